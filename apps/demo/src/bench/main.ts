// `pnpm bench`: the kit's speed, as ratios against a bare route measured in
// the same run, so the figures hold on a noisy machine. Loopback only.
import { startWechatMock } from '@wx-login/wechat-mock'
import mysql from 'mysql2/promise'
import { load, median, type LoadResult } from './load.js'
import { startServerProcess, type ServerProcess } from './processes.js'
import { createRedisClient, deleteKeysUnder, readRedisTopology } from '../redis-topology.js'

const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 100_000)
const DATABASE = 'wx_login_bench'
const PREFIX = 'wx-login-bench:'

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

async function main (): Promise<void> {
  const serverUrl = new URL(MYSQL_URL)
  serverUrl.pathname = ''
  const admin = await mysql.createConnection(serverUrl.toString())
  await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``)
  await admin.query(`CREATE DATABASE \`${DATABASE}\``)
  const mock = await startWechatMock()
  const app = mock.apps[0]!
  const env = {
    BENCH_MYSQL_URL: `${serverUrl.toString().replace(/\/$/, '')}/${DATABASE}`,
    BENCH_REDIS_URL: REDIS_URL,
    BENCH_REDIS_PREFIX: PREFIX,
    BENCH_API_BASE: mock.url,
    BENCH_APPID: app.appId,
    BENCH_SECRET: app.appSecret
  }
  const servers: ServerProcess[] = []
  const start = async (extra: Record<string, string> = {}): Promise<ServerProcess> => {
    const server = await startServerProcess({ ...env, ...extra })
    servers.push(server)
    return server
  }

  try {
    const a = await start()
    const b = await start()
    const noLocal = await start({ BENCH_LOCAL_CACHE: 'off' })

    let n = 0
    const login = async (url: string, user = `bench-${n++}`): Promise<string> => {
      const res = await fetch(`${url}/auth/wechat/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: mock.mintCode(user) }) })
      if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`)
      return ((await res.json()) as { token: string }).token
    }
    const token = await login(a.url)
    const auth = { authorization: `Bearer ${token}` }
    const jwt = ((await (await fetch(`${a.url}/bench/jwt`)).json()) as { token: string }).token

    console.log(`wx-login benchmark: autocannon -c 50, ${SECONDS} s a run, ${ROUNDS} rounds, loopback`)
    for (const url of [`${a.url}/public`, `${a.url}/protected`, `${noLocal.url}/protected`, `${a.url}/jwt`]) {
      await load({ url, seconds: 1, headers: url.endsWith('/jwt') ? { authorization: `Bearer ${jwt}` } : auth })
    }

    const runs: Record<string, LoadResult[]> = { public: [], warm: [], cold: [], jwt: [], publicNoLocal: [] }
    for (let round = 0; round < ROUNDS; round++) {
      runs.public!.push(await load({ url: `${a.url}/public`, seconds: SECONDS }))
      runs.warm!.push(await load({ url: `${a.url}/protected`, seconds: SECONDS, headers: auth }))
      runs.jwt!.push(await load({ url: `${a.url}/jwt`, seconds: SECONDS, headers: { authorization: `Bearer ${jwt}` } }))
      runs.publicNoLocal!.push(await load({ url: `${noLocal.url}/public`, seconds: SECONDS }))
      runs.cold!.push(await load({ url: `${noLocal.url}/protected`, seconds: SECONDS, headers: auth }))
    }
    for (const [name, results] of Object.entries(runs)) {
      const failed = results.reduce((sum, r) => sum + r.non2xx, 0)
      if (failed > 0) throw new Error(`${name}: ${failed} requests failed`)
    }
    const ratio = (num: string, den: string): number => median(runs[num]!.map((r, i) => r.rps / runs[den]![i]!.rps))
    const rps = (name: string): number => median(runs[name]!.map(r => r.rps))

    const logins = await load({
      url: `${a.url}/auth/wechat/login`,
      method: 'POST',
      connections: 10,
      seconds: SECONDS,
      headers: { 'content-type': 'application/json' },
      body: () => JSON.stringify({ code: mock.mintCode(`load-${n++ % 5000}`) })
    })

    const delays: number[] = []
    for (let i = 0; i < 20; i++) {
      const t = await login(a.url)
      const h = { authorization: `Bearer ${t}` }
      for (let k = 0; k < 2; k++) await fetch(`${b.url}/protected`, { headers: h })
      await fetch(`${a.url}/auth/wechat/logout`, { method: 'POST', headers: h })
      const started = performance.now()
      while ((await fetch(`${b.url}/protected`, { headers: h })).status !== 401) {
        if (performance.now() - started > 5000) throw new Error('revocation never reached the other instance')
      }
      delays.push(performance.now() - started)
      await sleep(10)
    }

    const filler = await start()
    const fill = await (await fetch(`${filler.url}/bench/fill?n=${SESSIONS}`, { method: 'POST' })).json() as { n: number, rssBefore: number, rssAfter: number, heapBefore: number, heapAfter: number }

    const mb = (bytes: number): string => fmt(bytes / 1024 / 1024, 1)
    const rows: Array<[string, string, string]> = [
      ['public route (baseline)', `${fmt(rps('public'))} req/s`, '1.00'],
      ['protected, warm (local cache)', `${fmt(rps('warm'))} req/s`, fmt(ratio('warm', 'public'), 2)],
      ['protected, local cache off (Redis GET each)', `${fmt(rps('cold'))} req/s`, fmt(ratio('cold', 'publicNoLocal'), 2)],
      ['@fastify/jwt verify, for comparison', `${fmt(rps('jwt'))} req/s`, fmt(ratio('jwt', 'public'), 2)],
      ['login (c=10, against the mock)', `${fmt(logins.rps)} req/s`, `p50 ${logins.p50} ms, p99 ${logins.p99} ms`],
      ['logout seen by a 2nd process', `median ${fmt(median(delays), 1)} ms`, `max ${fmt(Math.max(...delays), 1)} ms (20 runs)`],
      [`RSS with ${fmt(fill.n)} live sessions`, `${mb(fill.rssAfter)} MB`, `+${mb(fill.rssAfter - fill.rssBefore)} MB RSS, +${mb(fill.heapAfter - fill.heapBefore)} MB heap`]
    ]
    console.log('')
    console.log('| measure | result | ratio to public / detail |')
    console.log('| --- | --- | --- |')
    for (const [what, result, detail] of rows) console.log(`| ${what} | ${result} | ${detail} |`)
    console.log('')
    console.log(`protected/public ratio: ${fmt(ratio('warm', 'public'), 2)} (target >= 0.85)`)
  } finally {
    await Promise.all(servers.map(s => s.stop()))
    await mock.close()
    await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``)
    await admin.end()
    const redis = createRedisClient(readRedisTopology(process.env, REDIS_URL))
    await deleteKeysUnder(redis, PREFIX)
    await redis.quit()
  }
}

await main()
