import t from 'tap'
import { SessionEndedError } from '../src/index.js'
import { startTestServer } from './fixtures/server.js'

// One device per user: a newer login evicts the older session.
const server = await startTestServer(t, 'two_phones', { maxSessionsPerUser: 1, sessionPolicy: 'evict-oldest' })

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

t.test('two phones of one user, one session allowed: exactly one eviction, no loop', async (t) => {
  const endedA: string[] = []
  const endedB: string[] = []
  // Two client instances, each with its own wx and storage: two phones.
  const phoneA = server.newClient({ onSessionEnded: ({ reason }) => { endedA.push(reason) } }, server.newWx('erin'))
  const phoneB = server.newClient({ onSessionEnded: ({ reason }) => { endedB.push(reason) } }, server.newWx('erin'))
  const since = server.seen.length

  await phoneA.auth.login()
  t.equal((await phoneA.auth.request({ url: '/api/me' })).statusCode, 200)
  await phoneB.auth.login()

  // Both phones keep polling, as apps do; A was evicted by B's login.
  const outcomes: Array<number | string> = []
  for (let round = 0; round < 5; round++) {
    for (const phone of [phoneA, phoneB]) {
      outcomes.push(await phone.auth.request({ url: '/api/me' }).then((res) => res.statusCode, (err: SessionEndedError) => err.reason))
    }
    await wait(20)
  }
  t.same(outcomes, ['replaced', 200, 'replaced', 200, 'replaced', 200, 'replaced', 200, 'replaced', 200])
  t.same(server.codesSince('/api/me', since), ['FST_WX_LOGIN_TOKEN_REPLACED'], 'A asked once; then it knew')
  t.same(endedA, ['replaced'])
  t.same(endedB, [])
  t.equal(phoneA.wx.loginCount, 1, 'A did not log in again by itself')
  t.equal(phoneB.wx.loginCount, 1)
  t.equal(server.loginsSince(since), 2, 'two logins on the server, one eviction')

  // The app on A asks "You signed in on another phone. Sign in here again?" and the user says yes.
  await phoneA.auth.login()
  t.equal((await phoneA.auth.request({ url: '/api/me' })).statusCode, 200)
  const b = await phoneB.auth.request({ url: '/api/me' }).catch((err: unknown) => err) as SessionEndedError
  t.ok(b instanceof SessionEndedError)
  t.equal(b.reason, 'replaced')
  await phoneB.auth.request({ url: '/api/me' }).catch(() => undefined)
  t.same(endedB, ['replaced'])
  t.equal(phoneA.wx.loginCount + phoneB.wx.loginCount, 3, 'one wx.login per decision, none by the client')
  t.equal(server.loginsSince(since), 3)
})

t.test('concurrent requests of an evicted phone: one refusal each, one onSessionEnded', async (t) => {
  let ended = 0
  const phoneA = server.newClient({ onSessionEnded: () => { ended++ } }, server.newWx('frank'))
  const phoneB = server.newClient({}, server.newWx('frank'))
  await phoneA.auth.login()
  await phoneB.auth.login()
  const outcomes = await Promise.all([1, 2, 3, 4].map(() => phoneA.auth.request({ url: '/api/me' }).catch((err: SessionEndedError) => err.reason)))
  t.same(outcomes, ['replaced', 'replaced', 'replaced', 'replaced'])
  t.equal(ended, 1)
  t.equal(phoneA.wx.loginCount, 1)
})
