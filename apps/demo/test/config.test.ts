import t from 'tap'
import { DEFAULT_MYSQL_URL, DEFAULT_REDIS_URL, displayUrl, MOCK_APP, readConfig, startTarget } from '../src/config.js'

const defaults = { host: 'localhost', logLevel: 'warn' }

t.test('readConfig: defaults for a fresh laptop', async t => {
  t.same(readConfig({}, defaults), {
    port: 3000,
    host: 'localhost',
    mysqlUrl: DEFAULT_MYSQL_URL,
    redisUrl: DEFAULT_REDIS_URL,
    redis: { kind: 'single', url: DEFAULT_REDIS_URL },
    logLevel: 'warn',
    wechat: null,
    mockPort: 3100,
    sessions: {}
  })
  t.equal(DEFAULT_MYSQL_URL, 'mysql://root@127.0.0.1:3306/wx_login_demo')
})

t.test('readConfig: every variable is honoured', async t => {
  const config = readConfig({
    PORT: '8080',
    HOST: '0.0.0.0',
    MYSQL_URL: 'mysql://u:p@db:3306/app',
    REDIS_URL: 'redis://cache:6379',
    LOG_LEVEL: 'debug',
    WX_APPID: 'wx123',
    WX_SECRET: 's3cret',
    WECHAT_API_BASE: 'http://127.0.0.1:9999',
    MOCK_PORT: '0',
    MAX_SESSIONS_PER_USER: '1',
    SESSION_POLICY: 'evict-oldest'
  }, defaults)
  t.same(config, {
    port: 8080,
    host: '0.0.0.0',
    mysqlUrl: 'mysql://u:p@db:3306/app',
    redisUrl: 'redis://cache:6379',
    redis: { kind: 'single', url: 'redis://cache:6379' },
    logLevel: 'debug',
    wechat: { appId: 'wx123', appSecret: 's3cret', apiBase: 'http://127.0.0.1:9999' },
    mockPort: 0,
    sessions: { maxSessionsPerUser: 1, sessionPolicy: 'evict-oldest' }
  })
  t.equal(readConfig({ WX_APPID: 'wx1', WX_SECRET: 's' }, defaults).wechat?.apiBase, undefined, 'real WeChat unless told otherwise')
})

t.test('readConfig: half a credential or a bad port fails with a clear message', async t => {
  t.throws(() => readConfig({ WX_APPID: 'wx1' }, defaults), /WX_SECRET is not/)
  t.throws(() => readConfig({ WX_SECRET: 'x' }, defaults), /WX_APPID is not/)
  t.throws(() => readConfig({ PORT: 'http' }, defaults), /PORT must be a port number/)
  t.throws(() => readConfig({ MOCK_PORT: '70000' }, defaults), /MOCK_PORT must be a port number/)
  t.throws(() => readConfig({ MAX_SESSIONS_PER_USER: '1.5' }, defaults), /MAX_SESSIONS_PER_USER must be a whole number/)
  t.throws(() => readConfig({ MAX_SESSIONS_PER_USER: '-1' }, defaults), /MAX_SESSIONS_PER_USER must be a whole number/)
  t.throws(() => readConfig({ SESSION_POLICY: 'kick' }, defaults), /SESSION_POLICY must be evict-oldest or reject-new/)
})

t.test('displayUrl masks the password', async t => {
  t.equal(displayUrl('mysql://root:hunter2@db:3306/app'), 'mysql://root:***@db:3306/app')
  t.equal(displayUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379')
  t.equal(displayUrl('not a url'), '(invalid URL)')
})

t.test('startTarget: real WeChat, a running mock, or a clear refusal', async t => {
  const real = startTarget(readConfig({ WX_APPID: 'wx1', WX_SECRET: 's' }, defaults), {})
  t.same(real, { appId: 'wx1', appSecret: 's', apiBase: undefined, mockUrl: null })
  const mock = startTarget(readConfig({ WECHAT_API_BASE: 'http://127.0.0.1:3100/' }, defaults), { WECHAT_API_BASE: 'http://127.0.0.1:3100/' })
  t.same(mock, { ...MOCK_APP, apiBase: 'http://127.0.0.1:3100/', mockUrl: 'http://127.0.0.1:3100' })
  t.throws(() => startTarget(readConfig({}, defaults), {}), /Set WX_APPID and WX_SECRET .*pnpm dev/)
})
