import { startWechatMock, type MockApp } from '@wx-login/wechat-mock'
import mysql from 'mysql2/promise'
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { bearer, buildTestApp } from './fixtures/app.js'

// Two mini programs of one Open Platform group, and one outside it.
const SHOP: MockApp = { appId: 'wx0000000000shop', appSecret: 'shop-secret', unionGroup: 'acme' }
const GAME: MockApp = { appId: 'wx0000000000game', appSecret: 'game-secret', unionGroup: 'acme' }
const SOLO: MockApp = { appId: 'wx0000000000solo', appSecret: 'solo-secret' }
const apps = [SHOP, GAME, SOLO].map(({ appId, appSecret }) => ({ appId, appSecret }))

async function setup (t: { teardown (fn: () => unknown): void }, name: string, plugin: Record<string, unknown> = {}) {
  const mock = await startWechatMock({ apps: [SHOP, GAME, SOLO] })
  t.teardown(() => mock.close())
  const built = await buildTestApp(t, name, { mock, plugin: { appId: undefined, appSecret: undefined, apps, ...plugin } })
  const login = (user: string, appid: string | undefined) => built.app.inject({
    method: 'POST', url: '/auth/wechat/login', payload: { code: mock.mintCode(user, appid ?? SHOP.appId), ...(appid === undefined ? {} : { appid }) }
  })
  return { ...built, login }
}

t.test('several mini programs: the login names its appid; users are keyed by (appid, openid)', async t => {
  const { app, mock, login } = await setup(t, 'apps_keyed')
  const shop = await login('alice', SHOP.appId)
  t.equal(shop.statusCode, 200)
  t.equal(shop.json().user.appId, SHOP.appId)
  t.equal(shop.json().user.openid, mock.openid('alice', SHOP.appId))
  const game = await login('alice', GAME.appId)
  t.equal(game.json().user.appId, GAME.appId)
  t.not(game.json().user.id, shop.json().user.id, 'without linkByUnionId, each app has its own user')
  t.equal(game.json().user.unionid, shop.json().user.unionid, 'though WeChat knows them as one person')

  const missing = await login('alice', undefined)
  t.equal(missing.statusCode, 400)
  t.equal(missing.json().code, 'FST_WX_LOGIN_APPID_REQUIRED')
  const unknown = await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: 'abc', appid: 'wx-not-served' } })
  t.equal(unknown.statusCode, 400)
  t.equal(unknown.json().code, 'FST_WX_LOGIN_UNKNOWN_APP')
  t.equal(mock.calls('/sns/jscode2session').filter(call => call.query.appid === 'wx-not-served').length, 0, 'WeChat is never asked')

  const [shopToken, gameToken] = await Promise.all([app.wxLogin.accessToken(SHOP.appId), app.wxLogin.accessToken(GAME.appId)])
  t.not(shopToken, gameToken, 'one access_token per app')
  await t.rejects(app.wxLogin.accessToken(), { code: 'FST_WX_LOGIN_APPID_REQUIRED' })
})

t.test('linkByUnionId: the same person from two apps of a group is one user', async t => {
  const { app, mock, dbUrl, login } = await setup(t, 'apps_linked', { linkByUnionId: true, sessionKeyEncryptionKey: randomBytes(32) })
  const shop = (await login('alice', SHOP.appId)).json()
  t.equal(shop.isNewUser, true)
  const game = (await login('alice', GAME.appId)).json()
  t.equal(game.user.id, shop.user.id, 'same user id')
  t.equal(game.isNewUser, false, 'not a new user')
  t.equal(game.user.appId, GAME.appId, 'the identity of this login')
  t.equal(game.user.openid, mock.openid('alice', GAME.appId))
  t.equal((await login('alice', GAME.appId)).json().user.id, shop.user.id, 'and again')

  const solo = (await login('alice', SOLO.appId)).json()
  t.not(solo.user.id, shop.user.id, 'an app outside the group (no unionid) is another user')
  const bob = (await login('bob', GAME.appId)).json()
  t.not(bob.user.id, shop.user.id)

  // Per-identity session keys: each app's data opens with its own key.
  const me = (await app.inject({ url: '/api/me', headers: bearer(game.token) })).json()
  t.match(await app.wxLogin.decryptData(me, mock.encryptedData('alice', { from: 'game' }, GAME.appId)), { from: 'game', watermark: { appid: GAME.appId } })
  await t.rejects(app.wxLogin.decryptData(me, mock.encryptedData('alice', { from: 'shop' }, SHOP.appId)), { code: /SESSION_KEY_STALE|WATERMARK/ }, 'another app\'s data is refused')

  // The phone number is the user's, whichever app asked.
  const phone = await app.inject({
    method: 'POST', url: '/auth/wechat/phone', headers: bearer(game.token), payload: { code: mock.mintPhoneCode('alice', '13800138000', GAME.appId) }
  })
  t.equal(phone.statusCode, 200)
  const db = await mysql.createConnection(dbUrl)
  t.teardown(() => db.end())
  const [rows] = await db.query('SELECT id, appid, user_id, union_owner, phone_number FROM wx_users ORDER BY id') as [Array<Record<string, unknown>>, unknown]
  const aliceRows = rows.filter(row => Number(row.id) === shop.user.id || Number(row.user_id) === shop.user.id)
  t.equal(aliceRows.length, 2, 'one row per identity')
  t.match(aliceRows[0], { appid: SHOP.appId, user_id: null, union_owner: shop.user.unionid, phone_number: '13800138000' })
  t.match(aliceRows[1], { appid: GAME.appId, union_owner: null, phone_number: null })
  t.equal(Number(aliceRows[1]!.user_id), shop.user.id)
  t.equal((await app.wxLogin.issueToken(shop.user.id)).token.length, 43)
})

t.test('linkByUnionId: concurrent first logins from both apps make one user', async t => {
  const { login } = await setup(t, 'apps_race', { linkByUnionId: true })
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => login('carol', i % 2 === 0 ? SHOP.appId : GAME.appId)))
  t.same(answers.map(res => res.statusCode), Array(10).fill(200))
  t.equal(new Set(answers.map(res => res.json().user.id)).size, 1, 'one user id')
  t.equal(answers.filter(res => res.json().isNewUser).length, 1, 'created once')
})

t.test('linkByUnionId with autoRegister: false links known people and refuses strangers', async t => {
  const { mock, dbUrl, login } = await setup(t, 'apps_bound', { linkByUnionId: true, autoRegister: false })
  const db = await mysql.createConnection(dbUrl)
  t.teardown(() => db.end())
  // The application bound dave in the shop app (say, by an admin tool).
  const unionid = mock.unionid('dave', SHOP.appId)!
  const [inserted] = await db.query('INSERT INTO wx_users (appid, openid, unionid, union_owner, created_at) VALUES (?, ?, ?, ?, ?)',
    [SHOP.appId, mock.openid('dave', SHOP.appId), unionid, unionid, Date.now()]) as [{ insertId: number }, unknown]
  const game = await login('dave', GAME.appId)
  t.equal(game.statusCode, 200, 'a known person is linked even without autoRegister')
  t.equal(game.json().user.id, inserted.insertId)
  const stranger = await login('erin', GAME.appId)
  t.equal(stranger.statusCode, 403)
  t.equal(stranger.json().code, 'FST_WX_LOGIN_NOT_BOUND')
})
