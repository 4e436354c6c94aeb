import t from 'tap'
import { buildTestApp } from './fixtures/app.js'
import { startOwnRedis } from './fixtures/services.js'

const CODE2SESSION = '/sns/jscode2session'
const REDIS_TIMEOUT = 500

t.test('Redis hung: logins exchange codes directly; Redis is waited on once, then skipped until the cooldown ends', async t => {
  const redis = await startOwnRedis()
  t.teardown(() => redis.stop())
  // The plugin's clock, held still so the 1 s cooldown ends when the test says.
  let clock = Date.now()
  const { app, mock, logs, login } = await buildTestApp(t, 'skip_window', {
    redisUrl: redis.url,
    plugin: { redisTimeout: REDIS_TIMEOUT, rateLimit: false, now: () => clock }
  })
  redis.pause()
  t.teardown(() => redis.resume())
  const timed = async (what: () => Promise<unknown>): Promise<number> => {
    const started = Date.now()
    await what()
    return Date.now() - started
  }

  t.ok(await timed(() => login('alice')) >= REDIS_TIMEOUT * 0.9, 'the first login waits for Redis once')
  for (const user of ['bob', 'carol', 'dave']) {
    t.ok(await timed(() => login(user)) < REDIS_TIMEOUT / 2, `${user}'s login does not wait`)
  }
  t.ok(await timed(() => app.wxLogin.accessToken()) < REDIS_TIMEOUT / 2, 'nor does the access_token: one view of Redis for both')
  t.equal(mock.calls(CODE2SESSION).length, 4, 'each code exchanged once, directly')
  t.match(logs.join(''), /could not share the code exchange through Redis; exchanging directly/)

  clock += 1000
  t.ok(await timed(() => login('erin')) >= REDIS_TIMEOUT * 0.9, 'after the cooldown, Redis is tried again')
})
