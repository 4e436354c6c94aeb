// Revocation guarantees between real OS processes sharing MariaDB and Redis.
import t, { type Test } from 'tap'
import { hashToken } from '../src/index.js'
import { bearer, buildTestApp } from './fixtures/app.js'
import { startServerProcess } from './fixtures/server-processes.js'
import { REDIS_URL, testRedis } from './fixtures/services.js'
import { startTcpProxy } from './fixtures/tcp-proxy.js'
import { waitFor } from './fixtures/wait.js'

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const status = async (url: string, token: string) => (await fetch(`${url}/api/me`, { headers: bearer(token) })).status

async function loginOver (url: string, code: string): Promise<{ token: string, user: { id: number } }> {
  const res = await fetch(`${url}/auth/wechat/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) })
  return await res.json() as { token: string, user: { id: number } }
}


// idleTtl 100 s: last-seen is due every second, so the writes it causes race the logout.
const plugin = { idleTtl: 100_000 }

t.test('a logout-all on A while B writes last-seen for the same tokens: every token stays refused, on both', async t => {
  const first = await buildTestApp(t, 'revoke_touch_race', { plugin })
  const a = await startServerProcess(t, first, { plugin })
  const b = await startServerProcess(t, first, { plugin })
  const sessions = []
  for (const name of ['ann', 'ben', 'cat', 'dan', 'eve']) sessions.push(await loginOver(a.url, first.mock.mintCode(name)))

  await sleep(1200)
  for (const { token } of sessions) t.equal(await status(b.url, token), 200, 'used once on B: last-seen due')
  await sleep(1200)
  for (const { token } of sessions) {
    t.equal(await status(b.url, token), 200, 'used on B again: a last-seen write is queued')
    t.equal((await fetch(`${a.url}/auth/wechat/logout-all`, { method: 'POST', headers: bearer(token) })).status, 204, 'and logged out everywhere on A')
  }

  await sleep(1500)
  const redis = testRedis(REDIS_URL)
  t.teardown(() => redis.quit())
  for (const { token } of sessions) {
    t.equal(await status(a.url, token), 401, 'refused on A')
    t.equal(await status(b.url, token), 401, 'refused on B')
    t.equal(await redis.exists(`${first.redisPrefix}session:{${hashToken(token)}}`), 0, 'no copy in Redis')
  }
})

// ioredis as an application would set it up for a cache: fail fast while Redis is away.
const resilient = { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => 100 }

/**
 * Two instances that reach Redis through a relay the test cuts: Redis keeps
 * its data (the stale copy) but never sees what the instances send meanwhile.
 * A user logged in on A and used twice on B, so B holds the session locally
 * and Redis holds a copy.
 */
async function twoInstancesBehindALine (t: Test, name: string, who: string) {
  const line = await startTcpProxy(new URL(REDIS_URL).port === '' ? 6379 : Number(new URL(REDIS_URL).port))
  t.teardown(() => line.close())
  const options = { redisUrl: `redis://127.0.0.1:${line.port}`, redis: resilient, plugin: { redisTimeout: 200 } }
  const first = await buildTestApp(t, name, options)
  const a = await startServerProcess(t, first, options)
  const b = await startServerProcess(t, first, options)
  const { token, user } = await loginOver(a.url, first.mock.mintCode(who))
  t.equal(await status(b.url, token), 200)
  t.equal(await status(b.url, token), 200, 'B holds it locally and Redis holds a copy')
  const redis = testRedis(REDIS_URL)
  t.teardown(() => redis.quit())
  const copy = `${first.redisPrefix}session:{${hashToken(token)}}`

  /** A dies with the stale copy still in Redis; once the line is back, B's replay must drop it and leave a marker. */
  async function crashAThenReconnect (): Promise<void> {
    await a.crash()
    t.equal(await redis.exists(copy), 1, 'the revoking process died; Redis still holds the stale copy')
    line.restore()
    const back = await waitFor(async () => await redis.exists(copy) === 0, 10_000)
    t.ok(back < 5000, `the replay dropped the stale copy ${back} ms after Redis became reachable again`)
    t.equal(await redis.exists(`${first.redisPrefix}revoked:{${hashToken(token)}}`), 1, 'and left a marker that refuses it coming back')
  }
  return { line, options, first, a, b, token, user, crashAThenReconnect }
}

t.test('a logout made while Redis is unreachable, by a process that then crashes: refused everywhere soon after Redis answers again', async t => {
  const { line, options, first, a, b, token, crashAThenReconnect } = await twoInstancesBehindALine(t, 'revoke_outage_crash', 'gus')

  line.cut()
  t.equal((await fetch(`${a.url}/auth/wechat/logout`, { method: 'POST', headers: bearer(token) })).status, 204, 'logout answered while Redis is unreachable')
  const whileAway = await waitFor(async () => await status(b.url, token) === 401, 5000)
  t.ok(whileAway < 3000, `refused by B ${whileAway} ms after the logout, with Redis unreachable (its channel is down, so it reads MySQL)`)

  await crashAThenReconnect()
  for (let i = 0; i < 10; i++) t.equal(await status(b.url, token), 401, 'refused by B')

  const restarted = await startServerProcess(t, first, options)
  for (let i = 0; i < 5; i++) t.equal(await status(restarted.url, token), 401, 'refused by the restarted A')
})

t.test('a ban on one instance: the other refuses the token at once and the login with 403', async t => {
  const first = await buildTestApp(t, 'ban_procs')
  const b = await startServerProcess(t, first)
  const { token, user } = await loginOver(b.url, first.mock.mintCode('hal'))
  t.equal(await status(b.url, token), 200)
  t.equal(await status(b.url, token), 200, 'held locally by B')

  const until = Date.now() + 3600_000
  await first.app.wxLogin.ban(user.id, { until, reason: 'spam' })
  const seen = await waitFor(async () => await status(b.url, token) === 403, 1000)
  t.ok(seen < 500, `B refuses the banned user's token after ${seen} ms`)
  const again = await fetch(`${b.url}/auth/wechat/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: first.mock.mintCode('hal') }) })
  t.equal(again.status, 403)
  t.match(await again.json(), { code: 'FST_WX_LOGIN_BANNED', until: new Date(until).toISOString() }, 'with when the ban ends, and no reason')

  await first.app.wxLogin.unban(user.id)
  const back = await loginOver(b.url, first.mock.mintCode('hal'))
  t.equal(back.user.id, user.id, 'after unban, the same user logs in again')
  t.equal(await status(b.url, back.token), 200)
})

t.test('a ban made while Redis is unreachable, by a process that then crashes: its user is refused everywhere, with 403, after Redis answers again', async t => {
  const { line, options, first, a, b, token, user, crashAThenReconnect } = await twoInstancesBehindALine(t, 'ban_outage_crash', 'ivy')

  line.cut()
  const until = Date.now() + 3600_000
  const banned = await fetch(`${a.url}/test/ban`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: user.id, until }) })
  t.equal(banned.status, 204, 'the ban is saved while Redis is unreachable')
  const whileAway = await waitFor(async () => await status(b.url, token) === 403, 5000)
  t.ok(whileAway < 3000, `B refuses the token with 403 ${whileAway} ms after the ban, with Redis unreachable`)

  await crashAThenReconnect()
  for (let i = 0; i < 10; i++) t.equal(await status(b.url, token), 403, 'refused by B')

  const restarted = await startServerProcess(t, first, options)
  for (let i = 0; i < 5; i++) t.equal(await status(restarted.url, token), 403, 'refused by the restarted A')
  const again = await fetch(`${restarted.url}/auth/wechat/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: first.mock.mintCode('ivy') }) })
  t.equal(again.status, 403, 'and a new login by the banned user is refused')
})
