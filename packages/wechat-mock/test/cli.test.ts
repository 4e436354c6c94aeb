import { EventEmitter } from 'node:events'
import t from 'tap'
import { main, type CliIo } from '../src/cli.js'
import { DEMO_APP } from '../src/index.js'
import { get, post, withQuery } from './fixtures/http.js'

function fakeIo (): CliIo & { lines: string[], errors: string[], signals: EventEmitter } {
  const lines: string[] = []
  const errors: string[] = []
  return { lines, errors, out: (line) => { lines.push(line) }, err: (line) => { errors.push(line) }, signals: new EventEmitter() }
}

t.test('with no --app the CLI serves the demo app and prints URL, appid and secret', async (t) => {
  const io = fakeIo()
  const result = await main(['--port', '0'], io)
  const mock = result.mock
  if (mock === undefined) throw new Error('no mock started')
  t.teardown(() => mock.close())
  t.equal(result.exitCode, 0)
  t.equal(io.lines[0], `wechat-mock listening on ${mock.url}`)
  t.match(io.lines.join('\n'), /not real WeChat credentials/)
  t.match(io.lines.join('\n'), `appid ${DEMO_APP.appId}  secret ${DEMO_APP.appSecret}  unionGroup demo`)
  const { json: { code } } = await post(`${mock.url}/mock/login`, { user: 'alice' })
  const answer = await get(withQuery(`${mock.url}/sns/jscode2session`, { appid: DEMO_APP.appId, secret: DEMO_APP.appSecret, js_code: code as string }))
  t.equal(answer.json.openid, mock.openid('alice'))
})

t.test('--app is repeatable, with an optional union group', async (t) => {
  const io = fakeIo()
  const { mock } = await main(['-p', '0', '--host', '127.0.0.1', '--app', 'wx1111:s1:acme', '--app', 'wx2222:s2'], io)
  if (mock === undefined) throw new Error('no mock started')
  t.teardown(() => mock.close())
  t.same(mock.apps, [{ appId: 'wx1111', appSecret: 's1', unionGroup: 'acme' }, { appId: 'wx2222', appSecret: 's2' }])
  t.match(io.lines.join('\n'), /appid wx2222 {2}secret s2\n/)
  t.equal((await post(`${mock.url}/mock/login`, { user: 'alice' })).status, 400, 'two apps: appid required')
})

t.test('SIGINT and SIGTERM close the mock', async (t) => {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    const io = fakeIo()
    const { mock, stopped } = await main(['--port', '0'], io)
    if (mock === undefined || stopped === undefined) throw new Error('no mock started')
    t.equal(io.signals.listenerCount(signal), 1, `listens for ${signal}`)
    io.signals.emit(signal)
    await stopped
    t.equal(mock.server.server.listening, false, `${signal} closed it`)
    t.equal(io.lines.at(-1), 'wechat-mock closed')
    t.equal(io.signals.listenerCount('SIGINT') + io.signals.listenerCount('SIGTERM'), 0, 'handlers removed')
  }
})

t.test('--help prints usage and starts nothing', async (t) => {
  const io = fakeIo()
  const result = await main(['--help'], io)
  t.same(result, { exitCode: 0 })
  t.match(io.lines[0], /^Usage: wechat-mock .*--app APPID:SECRET\[:UNIONGROUP\]/)
})

t.test('bad arguments exit 2 with the reason and the usage', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port', 'http'], /--port must be 0-65535/],
    [['--port', '70000'], /--port must be 0-65535/],
    [['--app', 'wx1'], /--app must be APPID:SECRET/],
    [['--app', 'wx1:s:g:x'], /--app must be APPID:SECRET/],
    [['--app', 'wx1:s:'], /--app must be APPID:SECRET/],
    [['positional'], /positional/]
  ]
  for (const [argv, reason] of cases) {
    const io = fakeIo()
    const result = await main(argv, io)
    t.same(result, { exitCode: 2 }, argv.join(' '))
    t.match(io.errors.join('\n'), reason)
    t.match(io.errors.join('\n'), /Usage: wechat-mock/)
  }
})
