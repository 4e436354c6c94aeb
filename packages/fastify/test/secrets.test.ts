import { randomBytes } from 'node:crypto'
import mysql from 'mysql2/promise'
import t from 'tap'
import { bearer, buildTestApp } from './fixtures/app.js'
import { startOwnRedis, testRedis } from './fixtures/services.js'

// A full run (logins, phone numbers, decrypts, WeChat errors and faults, a rate
// limit, a Redis outage, logouts), then: every secret it handled is looked for
// in all log output, and MySQL and Redis are dumped to look for raw tokens and keys.
t.test('no secret in any log line, no raw token or session_key in MySQL or Redis', async t => {
  const redis = await startOwnRedis()
  t.teardown(() => redis.stop())
  const encryptionKey = randomBytes(32).toString('base64')
  const { app, mock, dbUrl, redisPrefix, logs } = await buildTestApp(t, 'secrets_full_run', {
    redisUrl: redis.url,
    plugin: { sessionKeyEncryptionKey: encryptionKey, rateLimit: { perIp: { max: 9, timeWindow: 60_000 }, perCode: false }, wechatTimeout: 300 }
  })
  const secrets = new Set<string>([mock.apps[0]!.appSecret, encryptionKey])
  const tokens: string[] = []
  const login = async (user: string) => {
    const code = mock.mintCode(user)
    secrets.add(code)
    const res = await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code } })
    secrets.add(mock.sessionKey(user)!)
    if (res.statusCode === 200) tokens.push(res.json().token)
    return res
  }

  for (const user of ['ann', 'ben', 'cat']) t.equal((await login(user)).statusCode, 200)
  const [ann, ben] = tokens as [string, string]
  const me = (await app.inject({ url: '/api/me', headers: bearer(ann) })).json()

  const phoneCode = mock.mintPhoneCode('ann', '13800138000')
  secrets.add(phoneCode)
  t.equal((await app.inject({ method: 'POST', url: '/auth/wechat/phone', headers: bearer(ann), payload: { code: phoneCode } })).statusCode, 200)
  secrets.add(await app.wxLogin.accessToken())
  t.equal((await app.inject({ method: 'POST', url: '/auth/wechat/phone', headers: bearer(ann), payload: { code: phoneCode } })).statusCode, 400, 'a reused phone code')
  const data = mock.encryptedData('ann', { nickName: 'Ann' })
  t.match(await app.wxLogin.decryptData(me, data), { nickName: 'Ann' })
  mock.mintCode('ann')
  secrets.add(mock.sessionKey('ann')!)
  await t.rejects(app.wxLogin.decryptData(me, mock.encryptedData('ann', { nickName: 'Ann' })), { code: 'FST_WX_LOGIN_SESSION_KEY_STALE' })

  for (const fault of [{ errcode: 40029 }, { errcode: 40125 }, { errcode: -1, times: 3 }, { status: 500 }, { drop: true }, { delayMs: 2000 }]) {
    mock.addFault({ path: '/sns/jscode2session', ...fault })
    t.ok((await login('dan')).statusCode >= 400, `login refused on ${JSON.stringify(fault)}`)
    mock.clearFaults()
  }
  t.equal((await login('eve')).statusCode, 429, 'the IP limit was reached')

  redis.pause()
  t.equal((await app.inject({ url: '/api/me', headers: bearer(ben) })).statusCode, 200, 'checked while Redis hangs')
  t.equal((await app.inject({ method: 'POST', url: '/auth/wechat/logout', headers: bearer(ben) })).statusCode, 204)
  redis.resume()
  await new Promise(resolve => setTimeout(resolve, 1200))
  t.equal((await app.inject({ url: '/api/me', headers: bearer(ben) })).statusCode, 401)
  await app.inject({ url: '/api/me', headers: bearer(`${ann.slice(0, 42)}x`) })

  const output = logs.join('')
  t.match(output, /"level":(40|50)/, 'warnings and errors were logged')
  for (const token of tokens) secrets.add(token)
  const leaked = [...secrets].filter(secret => output.includes(secret))
  t.same(leaked, [], `none of ${secrets.size} secrets appears in ${logs.length} log lines`)

  const db = await mysql.createConnection(dbUrl)
  t.teardown(() => db.end())
  let dump = ''
  for (const table of ['wx_users', 'wx_sessions', 'wx_session_keys']) {
    const [rows] = await db.query(`SELECT * FROM ${table}`) as [Array<Record<string, unknown>>, unknown]
    t.ok(rows.length > 0, `${table} has rows`)
    dump += JSON.stringify(rows.map(row => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('latin1') + v.toString('base64') + v.toString('hex') : v]))))
  }
  const direct = testRedis(redis.url)
  t.teardown(() => direct.quit())
  for (const key of await direct.keys(`${redisPrefix}*`)) {
    dump += key
    if (await direct.type(key) === 'string') dump += await direct.get(key)
  }
  for (const token of tokens) t.notOk(dump.includes(token), 'no raw token stored')
  for (const user of ['ann', 'ben', 'cat']) t.notOk(dump.includes(mock.sessionKey(user)!), 'no session_key stored in the clear')
  t.notOk(dump.includes(mock.apps[0]!.appSecret), 'no app secret stored')
})
