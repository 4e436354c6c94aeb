import t from 'tap'
import { startServerProcesses } from './fixtures/server-processes.js'
import { bearer, buildTestApp } from './fixtures/app.js'

const LOGIN = '/auth/wechat/login'

t.test('one code posted twice at once: one code2Session call, a session for both', async t => {
  const { app, mock } = await buildTestApp(t, 'dup_local')
  const code = mock.mintCode('alice')
  mock.addFault({ path: '/sns/jscode2session', delayMs: 100 })
  const [a, b] = await Promise.all([1, 2].map(() => app.inject({ method: 'POST', url: LOGIN, payload: { code } })))
  t.equal(a!.statusCode, 200)
  t.equal(b!.statusCode, 200, 'the double tap is not a 40163')
  t.equal(a!.json().user.id, b!.json().user.id)
  t.not(a!.json().token, b!.json().token, 'each request has its own session')
  t.equal(mock.calls('/sns/jscode2session').length, 1, 'WeChat saw the code once')

  const retry = await app.inject({ method: 'POST', url: LOGIN, payload: { code } })
  t.equal(retry.statusCode, 200, 'a client retry seconds later shares the answer too')
  t.equal(mock.calls('/sns/jscode2session').length, 1)
  for (const res of [a!, b!, retry]) t.equal((await app.inject({ url: '/api/me', headers: bearer(res.json().token) })).statusCode, 200)
})

t.test('a final error about the code is shared; a passing one is not', async t => {
  const { app, mock } = await buildTestApp(t, 'dup_errors', { plugin: { wechatRetries: 0 } })
  const post = (code: string) => app.inject({ method: 'POST', url: LOGIN, payload: { code } })
  const bogus = 'bogus-code-never-minted'
  t.equal((await post(bogus)).json().code, 'FST_WX_LOGIN_CODE_INVALID')
  t.equal((await post(bogus)).json().code, 'FST_WX_LOGIN_CODE_INVALID')
  t.equal(mock.calls('/sns/jscode2session').length, 1, 'the invalid answer was shared')

  mock.clearCalls()
  const code = mock.mintCode('bob')
  mock.addFault({ path: '/sns/jscode2session', errcode: -1 })
  t.equal((await post(code)).statusCode, 503, 'WeChat busy')
  t.equal((await post(code)).statusCode, 200, 'the same code works once WeChat is back')
  t.equal(mock.calls('/sns/jscode2session').length, 2)
})

t.test('two server processes, 20 concurrent posts of one code: one code2Session call', async t => {
  const first = await buildTestApp(t, 'dup_procs', { plugin: { rateLimit: false } })
  const urls = await startServerProcesses(t, first, 2)
  const code = first.mock.mintCode('carol')
  first.mock.addFault({ path: '/sns/jscode2session', delayMs: 150 })
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${urls[i % 2]}${LOGIN}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code })
  })))
  t.same(answers.map(r => r.status), answers.map(() => 200), 'all 20 logged in')
  const bodies = await Promise.all(answers.map(r => r.json() as Promise<{ token: string, user: { id: number } }>))
  t.equal(new Set(bodies.map(b => b.user.id)).size, 1, 'one user')
  t.equal(new Set(bodies.map(b => b.token)).size, 20, '20 sessions')
  t.equal(first.mock.calls('/sns/jscode2session').length, 1, 'WeChat saw the code once')
})
