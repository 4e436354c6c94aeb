// The fault policy on its own: what benches Redis, and what also counts as
// a failure that makes the session manager re-check its copies.
import t from 'tap'
import { redisFaults, RedisUnavailable } from '../src/redis/faults.js'

t.test('a slow answer benches Redis; only a failure is counted', async t => {
  let now = 0
  let ready = true
  const faults = redisFaults({ ready: () => ready, timeout: 20, cooldown: 1000, now: () => now })
  t.equal(await faults.call(async () => 'ok'), 'ok')

  await t.rejects(faults.call(() => new Promise(resolve => setTimeout(resolve, 200))), RedisUnavailable)
  t.equal(faults.failures, 0, 'a timeout is not a failure: the data behind it did not change')
  t.notOk(faults.available, 'but Redis is skipped for the cooldown')
  await t.rejects(faults.call(async () => 'skipped'), /skipped after a recent failure/)
  t.equal(await faults.attempt(async () => 'background'), 'background', 'background work still tries')

  now += 1000
  t.ok(faults.available, 'back after the cooldown')
  await t.rejects(faults.call(async () => { throw new Error('READONLY You can\'t write against a read only replica.') }), RedisUnavailable)
  t.equal(faults.failures, 1, 'an error answer is a failure')
  faults.noteFailure()
  t.equal(faults.failures, 2, 'so are the client\'s connection and topology events')

  now += 1000
  ready = false
  await t.rejects(faults.attempt(async () => 'never'), /not connected/)
  t.equal(faults.failures, 2, 'not trying while disconnected is not a new failure (the close event was)')
})
