import { DEMO_APP, openidFor, startWechatMock } from '@wx-login/wechat-mock'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { readConfig } from '../src/config.js'
import { startDev } from '../src/dev-runner.js'
import { busyPort, closedPort, ownDatabase, ownRedisPrefix, REDIS_URL } from './fixtures/services.js'

/** The dev config on free ports, as `pnpm dev` would read it from these variables. */
const devConfig = (env: NodeJS.ProcessEnv) => readConfig({ PORT: '0', MOCK_PORT: '0', HOST: '127.0.0.1', ...env }, { host: 'localhost', logLevel: 'silent' })

async function postJson (url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number, json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  return { status: res.status, json: await res.json() as Record<string, unknown> }
}

/** The newcomer's flow, over HTTP: a code from the mock, a login, /api/me. */
async function loginFlow (url: string, mockUrl: string, user: string): Promise<{ openid: string, me: number }> {
  const { json: minted } = await postJson(`${mockUrl}/mock/login`, { user })
  const { json: login } = await postJson(`${url}/auth/wechat/login`, { code: minted.code })
  const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${String(login.token)}` } })
  return { openid: (login.user as { openid: string }).openid, me: me.status }
}

t.test('pnpm dev with MySQL and Redis up: the mock, the server, the banner', async t => {
  const mysqlUrl = await ownDatabase(t, 'wxl_demo_dev')
  const lines: string[] = []
  const dev = await startDev(devConfig({ MYSQL_URL: mysqlUrl, REDIS_URL }), { print: line => lines.push(line), redisPrefix: ownRedisPrefix(t, 'dev') })
  let closed = false
  t.teardown(async () => { if (!closed) await dev.close() })

  t.same(dev.backend, { kind: 'services', mysqlUrl, redisUrl: REDIS_URL })
  t.equal(dev.appId, DEMO_APP.appId)
  t.type(dev.mockUrl, 'string')
  const banner = lines.join('\n')
  t.ok(banner.includes(`Playground   ${dev.url}/playground/`), 'prints the playground URL')
  t.ok(banner.includes(`WeChat mock  ${dev.mockUrl!}`), 'prints the mock URL')
  t.ok(banner.includes(DEMO_APP.appId), 'prints the appid')
  t.notMatch(banner, /WARNING/)
  t.notOk(banner.includes(DEMO_APP.appSecret), 'never prints the secret')

  t.same(await loginFlow(dev.url, dev.mockUrl!, 'eve'), { openid: openidFor(DEMO_APP.appId, 'eve'), me: 200 })

  await dev.close()
  closed = true
  await t.rejects(fetch(`${dev.url}/api/ping`), 'the server is closed')
  await t.rejects(fetch(`${dev.mockUrl!}/mock/calls`), 'the mock is closed')
})

t.test('pnpm dev with MySQL away: says so and how to start it, then runs in memory', async t => {
  const lines: string[] = []
  const mysqlUrl = `mysql://root@127.0.0.1:${await closedPort()}/wx_login_demo`
  const dev = await startDev(devConfig({ MYSQL_URL: mysqlUrl, REDIS_URL }), { print: line => lines.push(line), probeTimeout: 500 })
  t.teardown(() => dev.close())

  t.equal(dev.backend.kind, 'memory')
  const output = lines.join('\n')
  t.match(output, /WARNING: running on IN-MEMORY stores/)
  t.match(output, /MySQL\/MariaDB is not reachable/)
  t.match(output, /start-stop-daemon --start --oknodo --background --exec \/usr\/sbin\/mariadbd/)
  t.notMatch(output, /Redis is not reachable/, 'Redis is fine')
  t.match(output, /Stores {7}IN MEMORY/)
  t.same(await loginFlow(dev.url, dev.mockUrl!, 'fay'), { openid: openidFor(DEMO_APP.appId, 'fay'), me: 200 }, 'the flow works anyway')
})

t.test('pnpm dev with Redis away names Redis', async t => {
  const lines: string[] = []
  const mysqlUrl = await ownDatabase(t, 'wxl_demo_dev_noredis')
  const dev = await startDev(devConfig({ MYSQL_URL: mysqlUrl, REDIS_URL: `redis://127.0.0.1:${await closedPort()}` }), { print: line => lines.push(line), probeTimeout: 500 })
  t.teardown(() => dev.close())
  t.equal(dev.backend.kind, 'memory')
  t.match(lines.join('\n'), /Redis is not reachable at redis:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)[^]*redis-server --daemonize yes/)
})

t.test('with WX_APPID and WX_SECRET: no mock, the given WeChat', async t => {
  const wechat = await startWechatMock() // stands in for api.weixin.qq.com, unreachable from here
  t.teardown(() => wechat.close())
  const lines: string[] = []
  const dev = await startDev(devConfig({
    WX_APPID: DEMO_APP.appId, WX_SECRET: DEMO_APP.appSecret, WECHAT_API_BASE: wechat.url, MYSQL_URL: 'mysql://root@127.0.0.1:1/x', REDIS_URL
  }), { print: line => lines.push(line), probeTimeout: 500 })
  t.teardown(() => dev.close())
  t.equal(dev.mockUrl, null, 'no mock started')
  t.match(lines.join('\n'), new RegExp(`WeChat {7}${wechat.url.replaceAll('.', '\\.')} +\\(App ID ${DEMO_APP.appId}\\)`))
  t.same(await loginFlow(dev.url, wechat.url, 'gus'), { openid: openidFor(DEMO_APP.appId, 'gus'), me: 200 })
  const playgroundLogin = await postJson(`${dev.url}/playground/mock/login`, { user: 'gus' })
  t.equal(playgroundLogin.status, 404, 'the playground cannot mint codes from real WeChat')
})

t.test('a taken port fails with what to do, and leaves nothing running', async t => {
  const taken = await busyPort(t)
  await t.rejects(startDev(devConfig({ MOCK_PORT: String(taken), REDIS_URL }), { print: () => {} }), /Port \d+ is taken: .*MOCK_PORT/)
  await t.rejects(startDev(devConfig({ PORT: String(taken), MYSQL_URL: 'mysql://root@127.0.0.1:1/x', REDIS_URL }), { print: () => {}, probeTimeout: 300 }), /Port \d+ is taken: .*set PORT/)
})

t.test('dist/dev.js (what `pnpm dev` runs) stops cleanly on Ctrl-C', async t => {
  const entry = fileURLToPath(new URL('../dist/dev.js', import.meta.url))
  t.ok(existsSync(entry), 'built: run `pnpm --filter @wx-login/demo build` first')
  if (!existsSync(entry)) return
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, PORT: '0', MOCK_PORT: '0', HOST: '127.0.0.1', MYSQL_URL: `mysql://root@127.0.0.1:${await closedPort()}/x`, REDIS_URL },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += String(chunk) })
  child.stderr.on('data', (chunk: Buffer) => { output += String(chunk) })
  const deadline = Date.now() + 15_000
  while (!output.includes('Ctrl-C stops everything') && Date.now() < deadline && child.exitCode === null) await new Promise(resolve => setTimeout(resolve, 50))
  t.match(output, /WARNING: running on IN-MEMORY stores/)
  const url = /Playground {3}(http:\/\/\S+)\/playground\//.exec(output)?.[1]
  t.ok(url, 'prints the playground URL')
  t.same(await (await fetch(`${url}/api/ping`)).json(), { ok: true })

  const started = Date.now()
  child.kill('SIGINT')
  const [code] = await once(child, 'exit') as [number | null]
  t.equal(code, 0, 'exits with 0')
  t.ok(Date.now() - started < 5000, `within 5 s (${Date.now() - started} ms)`)
  await t.rejects(fetch(`${url}/api/ping`), 'nothing listens any more')
})
