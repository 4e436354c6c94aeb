import Fastify from 'fastify'
import { Redis } from 'ioredis'
import { Writable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { InvalidationListener } from '../src/store/invalidation.js'
import { freePort, startOwnRedis } from './fixtures/services.js'
import { startTcpProxy } from './fixtures/tcp-proxy.js'

// The subscriber is the one Redis client the plugin creates: its errors go to
// the Fastify logger, once per outage, not once per reconnect attempt.

interface LogLine { level: number, msg: string, reason?: string, code?: string }

function capturedLogger (): { log: ReturnType<typeof Fastify>['log'], warnings: () => LogLine[], lines: LogLine[] } {
  const lines: LogLine[] = []
  const stream = new Writable({ write (chunk, _encoding, done) { lines.push(JSON.parse(String(chunk)) as LogLine); done() } })
  const { log } = Fastify({ logger: { level: 'info', stream } })
  return { log, lines, warnings: () => lines.filter(line => line.level === 40) }
}

function listen (subscriber: Redis, log: ReturnType<typeof Fastify>['log']): InvalidationListener {
  return new InvalidationListener(subscriber, { channel: 'wxl-test:invalidation', log, heartbeat: 100, onInvalidate: () => {}, onReset: () => {} })
}

async function until (condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(20)
  }
}

t.test('Redis down at boot: one warning with the reason, however many reconnect attempts fail', async t => {
  const subscriber = new Redis({ host: '127.0.0.1', port: await freePort(), retryStrategy: () => 20 })
  let errors = 0
  subscriber.on('error', () => { errors++ })
  const { log, warnings } = capturedLogger()
  const channel = listen(subscriber, log)
  t.teardown(() => channel.close())

  await until(() => errors >= 5)
  t.equal(channel.live, false)
  t.equal(warnings().length, 1, `one warning for ${errors} errors`)
  t.match(warnings()[0], { msg: /subscriber cannot reach Redis/, reason: /ECONNREFUSED/, code: 'ECONNREFUSED' })
})

t.test('a live channel that drops: one warning per outage, and live again when Redis is back', async t => {
  const redis = await startOwnRedis()
  t.teardown(() => redis.stop())
  const subscriber = new Redis(redis.url, { retryStrategy: () => 20 })
  let errors = 0
  subscriber.on('error', () => { errors++ })
  const { log, lines, warnings } = capturedLogger()
  const channel = listen(subscriber, log)
  t.teardown(() => channel.close())
  await until(() => channel.live)
  t.same(warnings(), [], 'no warning while live')

  for (const outage of [1, 2]) {
    await redis.stop()
    const before = errors
    await until(() => errors >= before + 5)
    t.equal(channel.live, false)
    t.equal(warnings().length, outage, `outage ${outage}: one more warning for ${errors - before} errors`)
    t.match(warnings().at(-1), { msg: /invalidation channel lost/ })
    await redis.start()
    await until(() => channel.live)
  }
  t.equal(lines.filter(line => /channel live/.test(line.msg)).length, 3, 'each return is logged once')
})

t.test('a heartbeat answered late: the cache is bypassed meanwhile, then used again with no flush and nothing missed', async t => {
  const proxy = await startTcpProxy(6379)
  t.teardown(() => proxy.close())
  const subscriber = new Redis({ host: '127.0.0.1', port: proxy.port, retryStrategy: () => 20 })
  const admin = new Redis('redis://127.0.0.1:6379')
  t.teardown(() => admin.quit())
  const channelName = `wxl-test:late:${process.pid}`
  const invalidated: string[] = []
  const liveAtInvalidation: boolean[] = []
  let resets = 0
  const { log, lines } = capturedLogger()
  const channel: InvalidationListener = new InvalidationListener(subscriber, {
    channel: channelName,
    log,
    heartbeat: 100,
    onInvalidate: hashes => { invalidated.push(...hashes); liveAtInvalidation.push(channel.live) },
    onReset: () => { resets++ }
  })
  t.teardown(() => channel.close())
  await until(() => channel.live)
  resets = 0

  // A revocation is published, then the answers stop reaching this process.
  proxy.hold()
  await admin.publish(channelName, 'h1')
  const heldAt = Date.now()
  await until(() => !channel.live, 2000)
  const bypassedAfter = Date.now() - heldAt
  t.ok(bypassedAfter <= 800, `bypassed ${bypassedAfter} ms after the answers stopped (heartbeat 100 ms: two heartbeats plus scheduling)`)
  t.same(invalidated, [], 'the revocation is still held on the line')

  await sleep(150)
  proxy.release()
  await until(() => channel.live, 1000)
  t.same(invalidated, ['h1'], 'the revocation sent before the ping\'s answer was applied')
  t.same(liveAtInvalidation, [false], 'and applied before the cache was used again')
  t.equal(resets, 0, 'no flush: the connection lost nothing')
  t.match(lines.map(line => line.msg), ['wx-login: session invalidation channel live', /heartbeat late/, /answered late/])
})

t.test('Redis hung for many heartbeats: the cache stays bypassed with one warning, and comes back unflushed', async t => {
  const redis = await startOwnRedis()
  t.teardown(() => redis.stop())
  const subscriber = new Redis(redis.url, { retryStrategy: () => 20 })
  subscriber.on('error', () => {})
  let resets = 0
  const { log, warnings } = capturedLogger()
  const channel = new InvalidationListener(subscriber, { channel: 'wxl-test:hung', log, heartbeat: 100, onInvalidate: () => {}, onReset: () => { resets++ } })
  t.teardown(() => channel.close())
  await until(() => channel.live)
  resets = 0

  redis.pause()
  const pausedAt = Date.now()
  await until(() => !channel.live, 2000)
  t.ok(Date.now() - pausedAt <= 800, `bypassed after ${Date.now() - pausedAt} ms (heartbeat 100 ms: two heartbeats plus scheduling)`)
  await sleep(1000)
  t.equal(channel.live, false, 'still bypassed while Redis is hung')
  t.equal(warnings().length, 1, 'one warning for the whole wait')
  t.match(warnings()[0], { msg: /heartbeat unanswered/ })
  redis.resume()
  await until(() => channel.live, 2000)
  t.equal(resets, 0, 'the connection held: nothing to flush')
})
