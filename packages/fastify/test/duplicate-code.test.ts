import t from 'tap'
import { startServerProcesses } from './fixtures/server-processes.js'
import { bearer, buildTestApp } from './fixtures/app.js'
import { countSessions } from './fixtures/services.js'

const LOGIN = '/auth/wechat/login'
const CODE2SESSION = '/sns/jscode2session'

t.test('one code posted twice at once: one code2Session call, a session for both', async t => {
  const { app, mock } = await buildTestApp(t, 'dup_local')
  const code = mock.mintCode('alice')
  mock.addFault({ path: CODE2SESSION, delayMs: 100 })
  const [a, b] = await Promise.all([1, 2].map(() => app.inject({ method: 'POST', url: LOGIN, payload: { code } })))
  t.equal(a!.statusCode, 200)
  t.equal(b!.statusCode, 200, 'the double tap is not a 40163')
  t.equal(a!.json().user.id, b!.json().user.id)
  t.not(a!.json().token, b!.json().token, 'each request has its own session')
  t.equal(mock.calls(CODE2SESSION).length, 1, 'WeChat saw the code once')
  for (const res of [a!, b!]) t.equal((await app.inject({ url: '/api/me', headers: bearer(res.json().token) })).statusCode, 200)
})

t.test('five posts of one code at once, over two instances: one exchange, five sessions', async t => {
  const first = await buildTestApp(t, 'dup_instances', { plugin: { rateLimit: false } })
  const second = await buildTestApp(t, 'dup_instances_b', { instanceOf: first, plugin: { rateLimit: false } })
  const code = first.mock.mintCode('dave')
  // Slow enough that every post arrives while the exchange is in flight.
  first.mock.addFault({ path: CODE2SESSION, delayMs: 300 })
  const apps = [first.app, second.app, first.app, second.app, first.app]
  const answers = await Promise.all(apps.map(app => app.inject({ method: 'POST', url: LOGIN, payload: { code } })))
  t.same(answers.map(r => r.statusCode), [200, 200, 200, 200, 200], 'all five logged in')
  t.equal(new Set(answers.map(r => r.json().user.id)).size, 1, 'one user')
  t.equal(new Set(answers.map(r => r.json().token)).size, 5, 'five sessions')
  t.equal(first.mock.calls(CODE2SESSION).length, 1, 'WeChat saw the code once')
  t.equal(await countSessions(first.dbUrl), 5)
})

t.test('a final error about the code is shared; a passing one lets a retry exchange again', async t => {
  const first = await buildTestApp(t, 'dup_errors', { plugin: { wechatRetries: 0 } })
  const second = await buildTestApp(t, 'dup_errors_b', { instanceOf: first, plugin: { wechatRetries: 0 } })
  const { mock } = first
  const post = (code: string, app = first.app) => app.inject({ method: 'POST', url: LOGIN, payload: { code } })

  const bogus = 'bogus-code-never-minted'
  t.equal((await post(bogus)).json().code, 'FST_WX_LOGIN_CODE_INVALID')
  t.equal((await post(bogus)).json().code, 'FST_WX_LOGIN_CODE_INVALID', 'the same 401 again, not CODE_USED: the code was never used')
  t.equal((await post(bogus, second.app)).json().code, 'FST_WX_LOGIN_CODE_INVALID', 'on the other instance too')
  t.equal(mock.calls(CODE2SESSION).length, 1, 'the invalid answer was shared')

  mock.clearCalls()
  const expired = mock.mintCode('erin')
  mock.addFault({ path: CODE2SESSION, errcode: 40029, delayMs: 200 })
  const both = await Promise.all([post(expired), post(expired, second.app)])
  t.same(both.map(r => [r.statusCode, r.json().code]), [[401, 'FST_WX_LOGIN_CODE_INVALID'], [401, 'FST_WX_LOGIN_CODE_INVALID']],
    'concurrent duplicates share the 40029')
  t.equal(mock.calls(CODE2SESSION).length, 1)

  mock.clearCalls()
  const code = mock.mintCode('bob')
  mock.addFault({ path: CODE2SESSION, errcode: -1 })
  t.equal((await post(code)).statusCode, 503, 'WeChat busy')
  t.equal((await post(code, second.app)).statusCode, 200, 'the same code works once WeChat is back, on any instance')
  t.equal(mock.calls(CODE2SESSION).length, 2, 'a passing failure does not use the code up')
  t.equal((await post(code)).json().code, 'FST_WX_LOGIN_CODE_USED', 'once exchanged, it is used')
  t.equal(mock.calls(CODE2SESSION).length, 2)
})

// 16 posts and 2 replays: within the per-code rate limit (20 a minute) the processes enforce together.
t.test('two server processes, 16 concurrent posts of one code: one code2Session call; a replay is refused by both', async t => {
  const first = await buildTestApp(t, 'dup_procs', { plugin: { rateLimit: false } })
  const urls = await startServerProcesses(t, first, 2)
  const code = first.mock.mintCode('carol')
  first.mock.addFault({ path: CODE2SESSION, delayMs: 150 })
  const post = (url: string) => fetch(`${url}${LOGIN}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code })
  })
  const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => post(urls[i % 2]!)))
  t.same(answers.map(r => r.status), answers.map(() => 200), 'all 16 logged in')
  const bodies = await Promise.all(answers.map(r => r.json() as Promise<{ token: string, user: { id: number } }>))
  t.equal(new Set(bodies.map(b => b.user.id)).size, 1, 'one user')
  t.equal(new Set(bodies.map(b => b.token)).size, 16, '16 sessions')
  t.equal(first.mock.calls(CODE2SESSION).length, 1, 'WeChat saw the code once')

  for (const url of urls) {
    const replay = await post(url)
    t.equal(replay.status, 401, 'the replay is refused')
    t.equal(((await replay.json()) as { code: string }).code, 'FST_WX_LOGIN_CODE_USED')
  }
  t.equal(first.mock.calls(CODE2SESSION).length, 1, 'without asking WeChat')
  t.equal(await countSessions(first.dbUrl), 16, 'and without a session')
})
