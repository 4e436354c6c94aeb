// `pnpm bench`: the protected route against a public route and three anchors,
// over N live sessions picked uniformly or by Zipf, in interleaved rounds so
// drift on a shared machine hits every route alike. Loopback only.
import { startWechatMock } from '@wx-login/wechat-mock'
import { Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { countDelta, readCounts, sessionsTableFit, type CountDelta } from './counters.js'
import { readServiceCpu, serviceCpuDelta, type Service } from './cpu.js'
import { loadLogins, median } from './load.js'
import { parseBenchArgs, touchIntervalMs } from './options.js'
import { steadyRowsPerRequest } from './steady-writes.js'
import { startServerProcess, type ServerProcess } from './processes.js'
import { createRedisClient, deleteKeysUnder, readRedisTopology } from '../redis-topology.js'
import { addedCost, selfTimePerRequest, type CpuProfile } from './profile.js'
import { requireWrk, runWrk, writeWrkScript, type WrkResult } from './wrk.js'

const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
// Per run, so a CI smoke run and a full run on the same servers do not meet.
const DATABASE = `wx_login_bench_${process.pid}`
const PREFIX = `wx-login-bench:${process.pid}:`
// The plugin's default local cache bound: filling past it measures eviction, not memory.
const SETUP_CHUNK = 50_000
// The plugin's default localCache.ttl: entries cached at the fill all drop this long after it.
const LOCAL_CACHE_BACKSTOP_MS = 10 * 60_000

interface Route {
  name: string
  path: string
  credentials: 'plugin' | 'jwt' | 'session'
  header: string
  prefix: string
}

// Every route gets a credential per request, the public one too, so the load generator does the same work for all.
const ROUTES: Route[] = [
  { name: 'public GET /api/ping (baseline)', path: '/api/ping', credentials: 'plugin', header: 'Authorization', prefix: 'Bearer ' },
  { name: 'protected GET /api/me (wx-login)', path: '/api/me', credentials: 'plugin', header: 'Authorization', prefix: 'Bearer ' },
  { name: 'anchor: one Redis GET per request', path: '/anchor/redis-get', credentials: 'plugin', header: 'Authorization', prefix: 'Bearer ' },
  { name: 'anchor: @fastify/jwt verify', path: '/anchor/jwt', credentials: 'jwt', header: 'Authorization', prefix: 'Bearer ' },
  { name: 'anchor: @fastify/session, Redis store', path: '/anchor/session', credentials: 'session', header: 'Cookie', prefix: 'sessionId=' }
]

/** CPU µs a run used: the bench servers together, and MariaDB and Redis where they run on this machine. */
type CpuUsed = Partial<Record<Service, number>> & { server: number }
interface Measured { result: WrkResult, counts: CountDelta, cpu: CpuUsed }

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const seconds = (ms: number): string => `${fmt(ms / 1000, 1)} s`
const load1 = (): string => loadavg().map(n => n.toFixed(2)).join(' ')

async function main (): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2))
  requireWrk()
  const touchMs = touchIntervalMs(options)
  const serverUrl = new URL(MYSQL_URL)
  serverUrl.pathname = ''
  const admin = await mysql.createConnection(serverUrl.toString())
  const redis = new Redis(REDIS_URL)
  await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``)
  await admin.query(`CREATE DATABASE \`${DATABASE}\``)
  const dir = mkdtempSync(join(tmpdir(), 'wx-login-bench-'))
  const mock = await startWechatMock()
  const app = mock.apps[0]!
  const servers: ServerProcess[] = []

  try {
    const env = {
      BENCH_MYSQL_URL: `${serverUrl.toString().replace(/\/$/, '')}/${DATABASE}`,
      BENCH_REDIS_URL: REDIS_URL,
      BENCH_REDIS_PREFIX: PREFIX,
      BENCH_API_BASE: mock.url,
      BENCH_APPID: app.appId,
      BENCH_SECRET: app.appSecret,
      BENCH_IDLE_TTL_MS: String(options.idleTtl * 1000),
      BENCH_LAST_SEEN_INTERVAL_MS: String(touchMs),
      BENCH_SESSIONS: String(options.sessions)
    }
    // One first, so the plugin's schema migration runs once.
    servers.push(await startServerProcess(env))
    if (options.instances === 2) servers.push(await startServerProcess(env))
    const urls = servers.map(s => s.url)
    const post = async <T>(url: string, body: unknown): Promise<T> => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`)
      return await res.json() as T
    }

    console.log(`wx-login benchmark: ${fmt(options.sessions)} sessions, ${options.dist}, ${options.instances} instance(s), ` +
      `wrk -c ${options.connections}, ${options.rounds} round(s) of ${options.duration} s a route, loopback`)
    console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}; Node ${process.version}; load average at start ${load1()}`)

    // Sessions: each server issues its share through app.wxLogin.issueToken, in parallel.
    const setupStarted = performance.now()
    const share = Math.ceil(options.sessions / servers.length)
    const parts = servers.map((_, i) => ({ from: i * share, count: Math.max(0, Math.min(share, options.sessions - i * share)) }))
    // In chunks: one request for a million sessions would outlast fetch's 5-minute header timeout.
    const chunks = parts.map(part => Array.from({ length: Math.ceil(part.count / SETUP_CHUNK) }, (_, k) =>
      ({ from: part.from + k * SETUP_CHUNK, count: Math.min(SETUP_CHUNK, part.count - k * SETUP_CHUNK) })))
    let created = 0
    await Promise.all(chunks.map(async (serverChunks, i) => {
      for (const chunk of serverChunks) {
        await post(`${servers[i]!.url}/bench/sessions`, { ...chunk, dir })
        created += chunk.count
        if (options.sessions > SETUP_CHUNK) console.log(`  ${fmt(created)} sessions after ${seconds(performance.now() - setupStarted)}`)
      }
    }))
    const files = { plugin: join(dir, 'plugin.txt'), jwt: join(dir, 'jwt.txt'), session: join(dir, 'session.txt') }
    for (const [kind, file] of Object.entries(files)) {
      writeFileSync(file, chunks.flat().map(c => readFileSync(join(dir, `${kind}-${c.from}.txt`), 'latin1')).join(''), 'latin1')
    }
    const setupMs = performance.now() - setupStarted
    console.log(`setup: ${fmt(options.sessions)} sessions for the plugin (issueToken) and each anchor in ${seconds(setupMs)} ` +
      `(${fmt(options.sessions / (setupMs / 1000))} sessions/s)`)

    // Memory: a fresh server of its own (no setup garbage, no load) verifies
    // every session the way requests would and reports its RSS; a second one
    // with the local cache off does the same, so what the verifying itself
    // leaves in the RSS (freed garbage V8 keeps) is not counted as cache.
    interface Memory { rss: number, heapUsed: number, arrayBuffers: number, localCacheSize: number }
    interface Fill { before: Memory, after: Memory }
    const fillCount = options.sessions
    // Only the tokens it caches: reading a million-line file would leave its own garbage in the RSS.
    const fillFile = join(dir, 'fill.txt')
    const pluginTokens = readFileSync(files.plugin, 'latin1')
    let end = 0
    for (let i = 0; i < fillCount; i++) end = pluginTokens.indexOf('\n', end) + 1
    writeFileSync(fillFile, pluginTokens.slice(0, end), 'latin1')
    const fillIn = async (probeEnv: Record<string, string>): Promise<Fill> => {
      const probe = await startServerProcess(probeEnv)
      return await post<Fill>(`${probe.url}/bench/fill`, { file: fillFile, count: fillCount }).finally(() => probe.stop())
    }
    const fill = await fillIn(env)
    const uncached = await fillIn({ ...env, BENCH_LOCAL_CACHE: 'off' })
    const cached = fill.after.localCacheSize - fill.before.localCacheSize
    const grew = (f: Fill, key: 'rss' | 'heapUsed' | 'arrayBuffers'): number => f.after[key] - f.before[key]
    const perSession = (key: 'rss' | 'heapUsed' | 'arrayBuffers'): number => (grew(fill, key) - grew(uncached, key)) / cached
    const rssPerSession = perSession('rss')
    const mb = (bytes: number): string => `${fmt(bytes / 2 ** 20, 1)} MB`
    console.log(`local cache: ${fmt(cached)} sessions cached in a fresh server: RSS +${mb(grew(fill, 'rss'))} (+${mb(grew(uncached, 'rss'))} with the cache off), ` +
      `${fmt(rssPerSession)} B a session; of which its buffers ${fmt(perSession('arrayBuffers'))} B and heap ${fmt(perSession('heapUsed'))} B`)
    // The measured servers start warm, as they would be in steady state.
    await Promise.all(urls.map(url => post(`${url}/bench/fill`, { file: fillFile, count: fillCount, measure: false })))
    const filledAt = performance.now()

    const script = writeWrkScript(dir)
    const profiles = new Map<Route, Array<{ file: string, requests: number }>>()
    if (options.profile !== undefined) mkdirSync(options.profile, { recursive: true })
    const serverCpu = async (): Promise<number> =>
      (await Promise.all(urls.map(async url => (await (await fetch(`${url}/bench/cpu`)).json() as { us: number }).us))).reduce((a, b) => a + b, 0)
    const measure = async (route: Route, secondsEach: number, profile = false): Promise<Measured> => {
      if (profile) await post(`${urls[0]!}/bench/profile/start`, {})
      const before = await readCounts(redis, admin)
      const cpuBefore = { server: await serverCpu(), ...readServiceCpu() }
      const result = await runWrk(script, {
        urls, path: route.path, tokensFile: files[route.credentials], header: route.header, prefix: route.prefix,
        dist: options.dist, connections: options.connections, seconds: secondsEach
      })
      const cpuAfter = { server: await serverCpu(), ...readServiceCpu() }
      const cpu = { ...serviceCpuDelta(cpuBefore, cpuAfter), server: cpuAfter.server - cpuBefore.server }
      const counts = countDelta(before, await readCounts(redis, admin))
      if (profile) {
        const done = profiles.get(route) ?? []
        const file = join(options.profile!, `${route.path.replace(/\W+/g, '-').slice(1)}-${done.length + 1}.cpuprofile`)
        await post(`${urls[0]!}/bench/profile/stop`, { file })
        // The first server took its share of the requests.
        profiles.set(route, [...done, { file, requests: result.requests / urls.length }])
      }
      return { result, counts, cpu }
    }

    // Every checking route must refuse a request without its credential, or its figures mean nothing.
    for (const route of ROUTES.slice(1)) {
      const status = (await fetch(new URL(route.path, urls[0]))).status
      if (status !== 401) throw new Error(`${route.path} answered ${status} without credentials; expected 401`)
    }
    let protectedUsedAt = filledAt
    let protectedRate = 0
    for (const route of ROUTES) {
      const { result } = await measure(route, options.warmup)
      if (route === ROUTES[1]) [protectedUsedAt, protectedRate] = [performance.now(), result.rps]
    }
    // Steady state for the protected route, before each of its runs (not
    // all due after the other routes' turns): once every session's last-seen
    // write is due, each server uses every session once at a random moment
    // of one interval plus the mean wait between two uses of a session
    // (N / rate). Then, as under continuous traffic, the last-seen writes
    // are spread over the interval (not one burst: all sessions were created
    // in one setup), and that wait's share of the sessions is due already.
    if (!(protectedRate > 0)) throw new Error('the protected route answered no request in its warm-up run')
    const sweepMs = touchMs + Math.round(1000 * options.sessions / protectedRate)
    const sweep = async (): Promise<void> => {
      const waitMs = touchMs - (performance.now() - protectedUsedAt)
      if (waitMs > 0) await sleep(waitMs + 100)
      await Promise.all(urls.map(url => post(`${url}/bench/sweep`, { file: fillFile, count: fillCount, ms: sweepMs })))
    }
    console.log(`idleTtl ${options.idleTtl} s, last-seen interval ${seconds(touchMs)}; each protected run follows a sweep: each server used every session ` +
      `once at a random moment of ${seconds(sweepMs)} (the interval + N / rate), so last-seen writes are due, spread as in a live population, and counted`)

    const runs = new Map<Route, Measured[]>(ROUTES.map(r => [r, []]))
    const publicRuns = runs.get(ROUTES[0]!)!
    for (let round = 0; round < options.rounds; round++) {
      for (const route of ROUTES) {
        if (route === ROUTES[1]) await sweep()
        runs.get(route)!.push(await measure(route, options.duration, options.profile !== undefined && (route === ROUTES[0] || route === ROUTES[1])))
        if (route === ROUTES[1]) protectedUsedAt = performance.now()
      }
    }
    if (protectedUsedAt - filledAt > LOCAL_CACHE_BACKSTOP_MS) {
      console.log(`note: the protected runs ended ${seconds(protectedUsedAt - filledAt)} after the fill, past the local cache's ${seconds(LOCAL_CACHE_BACKSTOP_MS)} backstop: ` +
        'the entries cached then dropped together and were read again mid-run (use fewer rounds or a shorter interval)')
    }

    // Login: its own row, autocannon (a fresh code per request) against the mock, 50 connections.
    let n = 0
    const loginProfile = options.profile === undefined ? undefined : join(options.profile, 'login.cpuprofile')
    if (loginProfile !== undefined) await post(`${urls[0]!}/bench/profile/start`, {})
    const loginBefore = await readCounts(redis, admin)
    // The mock and autocannon share this process: its CPU says whether they, not the server, set the pace.
    const loadCpu = process.cpuUsage()
    const logins = await loadLogins(`${urls[0]!}/auth/wechat/login`, {
      connections: 50,
      seconds: options.duration,
      body: () => JSON.stringify({ code: mock.mintCode(`load-${n++ % 5000}`) })
    })
    const loadCpuUsed = process.cpuUsage(loadCpu)
    const loadCpuShare = (loadCpuUsed.user + loadCpuUsed.system) / (options.duration * 1e6)
    const loginCounts = countDelta(loginBefore, await readCounts(redis, admin))
    const loginRequests = logins.rps * options.duration
    if (loginProfile !== undefined) await post(`${urls[0]!}/bench/profile/stop`, { file: loginProfile })
    const stats = await Promise.all(urls.map(async url => await (await fetch(`${url}/bench/stats`)).json() as Memory))

    const header = ['route', 'req/s', 'ratio to public', 'p50 ms', 'p99 ms', 'Redis cmds/req', 'MySQL stmts/req', 'MySQL rows written/req', 'MySQL disk reads/req', 'CPU µs/req: server / MariaDB / Redis', 'RSS/cached session', 'non-2xx']
    const rows: string[][] = []
    for (const route of ROUTES) {
      const measured = runs.get(route)!
      const requests = measured.reduce((sum, m) => sum + m.result.requests, 0)
      const failed = measured.reduce((sum, m) => sum + m.result.non2xx + m.result.socketErrors, 0)
      const ratio = median(measured.map((m, i) => m.result.rps / publicRuns[i]!.result.rps))
      rows.push([
        route.name,
        fmt(median(measured.map(m => m.result.rps))),
        fmt(ratio, 2),
        fmt(median(measured.map(m => m.result.p50)), 2),
        fmt(median(measured.map(m => m.result.p99)), 2),
        fmt(measured.reduce((sum, m) => sum + m.counts.redis, 0) / requests, 3),
        fmt(measured.reduce((sum, m) => sum + m.counts.mysql, 0) / requests, 3),
        fmt(measured.reduce((sum, m) => sum + m.counts.mysqlRows, 0) / requests, 3),
        fmt(measured.reduce((sum, m) => sum + m.counts.mysqlDiskReads, 0) / requests, 3),
        (['server', 'mariadb', 'redis'] as const).map(name => {
          const used = measured.map(m => m.cpu[name])
          return used.includes(undefined) ? '-' : fmt(used.reduce((sum: number, us) => sum + us!, 0) / requests, 1)
        }).join(' / '),
        route.path === '/api/me' ? `${fmt(rssPerSession)} B (buffers ${fmt(perSession('arrayBuffers'))} B)` : '-',
        fmt(failed)
      ])
    }
    rows.push(['login POST /auth/wechat/login (autocannon -c 50, mock)', fmt(logins.rps), '-', fmt(logins.p50, 2), fmt(logins.p99, 2),
      fmt(loginCounts.redis / loginRequests, 3), fmt(loginCounts.mysql / loginRequests, 3), fmt(loginCounts.mysqlRows / loginRequests, 3),
      fmt(loginCounts.mysqlDiskReads / loginRequests, 3), '-', '-', fmt(logins.non2xx)])

    console.log('')
    console.log(`| ${header.join(' | ')} |`)
    console.log(`|${header.map(() => ' --- ').join('|')}|`)
    for (const row of rows) console.log(`| ${row.join(' | ')} |`)
    console.log('')
    console.log(`ratio to public per round: ${ROUTES.slice(1).map(route => `${route.path} ${runs.get(route)!.map((m, i) => fmt(m.result.rps / publicRuns[i]!.result.rps, 2)).join(' / ')}`).join('; ')}`)
    const protectedRuns = runs.get(ROUTES[1]!)!
    const protectedCommands = new Map<string, number>()
    for (const m of protectedRuns) for (const [name, calls] of m.counts.redisByCommand) protectedCommands.set(name, (protectedCommands.get(name) ?? 0) + calls)
    const protectedRequests = protectedRuns.reduce((sum, m) => sum + m.result.requests, 0)
    // An instance whose copy falls due within an interval of another's write skips the row, so this holds for two instances too.
    const measuredRate = median(runs.get(ROUTES[1]!)!.map(m => m.result.rps))
    const continuous = steadyRowsPerRequest(options.sessions, options.dist, touchMs / 1000, measuredRate)
    console.log(`last-seen writes: continuous traffic at the protected route's rate would write ${fmt(continuous, 3)} rows a request ` +
      `(${options.dist}: each session once per interval plus the wait for its next use); measured in the table`)
    // Last-seen writes land on random rows: once the table outgrows the buffer pool, each may wait for a disk read.
    const fit = await sessionsTableFit(admin, DATABASE)
    console.log(`MariaDB: the sessions table and its indexes take ${mb(fit.tableBytes)}, its buffer pool (innodb_buffer_pool_size) ${mb(fit.bufferPoolBytes)}` +
      (fit.tableBytes > fit.bufferPoolBytes ? '; the table does not fit, so last-seen writes read pages from disk (a deployment this size would set the pool above the table)' : ''))
    console.log(`protected route, Redis commands per request: ${[...protectedCommands].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([name, calls]) => `${name} ${fmt(calls / protectedRequests, 3)}`).join(', ') || 'none'}`)
    if (profiles.size > 0) {
      const perRequest = (route: Route): Map<string, number> => {
        const runs = profiles.get(route)!
        return selfTimePerRequest(runs.map(r => JSON.parse(readFileSync(r.file, 'utf8')) as CpuProfile), runs.reduce((sum, r) => sum + r.requests, 0))
      }
      const protectedUs = perRequest(ROUTES[1]!)
      const publicUs = perRequest(ROUTES[0]!)
      const total = (us: Map<string, number>): number => [...us].reduce((sum, [frame, t]) => frame === '(idle)' ? sum : sum + t, 0)
      console.log(`CPU profiles of the first server (in ${options.profile!}): ${fmt(total(protectedUs), 1)} µs a protected request, ${fmt(total(publicUs), 1)} µs a public one. ` +
        'Self time per request, most added first (protected / public):')
      for (const { frame, us, baseline } of addedCost(protectedUs, publicUs, 15)) {
        console.log(`  ${fmt(us, 2).padStart(7)} / ${fmt(baseline, 2).padStart(7)} µs  ${frame}`)
      }
    }
    console.log(`login: the bench process (WeChat mock + autocannon) used ${fmt(loadCpuShare * 100)} % of one core during the login run`)
    if (loginProfile !== undefined) {
      const loginUs = selfTimePerRequest([JSON.parse(readFileSync(loginProfile, 'utf8')) as CpuProfile], loginRequests)
      const busy = [...loginUs].reduce((sum, [frame, t]) => frame === '(idle)' ? sum : sum + t, 0)
      console.log(`login CPU profile of the server: ${fmt(busy)} µs busy a login (${fmt((loginUs.get('(idle)') ?? 0))} µs idle); top self time per login:`)
      for (const { frame, us } of addedCost(loginUs, new Map(), 10)) console.log(`  ${fmt(us, 1).padStart(7)} µs  ${frame}`)
    }
    console.log(`local cache at the end: ${stats.map(s => fmt(s.localCacheSize)).join(' + ')} sessions; server RSS ${stats.map(s => `${fmt(s.rss / 2 ** 20, 1)} MB`).join(' + ')}`)
    console.log(`ratios are medians of per-round ratios to the public route of the same round; counts are server-wide deltas (the public row shows other clients' floor)`)
    console.log('CPU µs/req: all rounds of the route, the bench servers\' own CPU (process.cpuUsage) and MariaDB\'s and Redis\'s where they run on this machine ' +
      '(from /proc; "-" where not); unlike the ratio, it does not depend on what the load generator takes from the same cores')
    console.log(`load average at end: ${load1()}`)
  } finally {
    await Promise.all(servers.map(s => s.stop()))
    await mock.close()
    await admin.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``)
    await admin.end()
    // The counters read one Redis; the keys may live on a cluster or behind Sentinel.
    const cleaner = createRedisClient(readRedisTopology(process.env, REDIS_URL))
    await deleteKeysUnder(cleaner, PREFIX)
    await cleaner.quit()
    await redis.quit()
    rmSync(dir, { recursive: true, force: true })
  }
}

try {
  await main()
} catch (err) {
  console.error(`pnpm bench: ${(err as Error).message}`)
  process.exitCode = 1
}
