import { DEMO_APP, encryptUserData, startWechatMock, type MockApp } from '@wx-login/wechat-mock'
import t from 'tap'
import { bearer, buildTestApp } from './fixtures/app.js'
import { migrationSteps } from '../src/store/migrations/steps.js'
import { runSql, schemaV1, versionsOf } from './fixtures/schema.js'

// What test/fixtures/schema-v1.sql was made with (see its header).
const FIXTURE_AT = Date.parse('2026-01-01T00:00:00Z')
const ENCRYPTION_KEY = '1f0c9b4e2d7a6358e1b0f4c3a2d9e8b7c6a5f4e3d2c1b0a9f8e7d6c5b4a39281'
const PLAIN_APP: MockApp = { appId: 'wx1111111111111111', appSecret: 'schema-v1-fixture-secret' }
const ALICE = { token: '752AEuiTtn9A9lCKEAO9vYhKRTSTYBjaJnISikOLcJc', id: 1, sessionKey: '4Y3zlDlRc4YZhXFI5r3Qgg==' }
const BOB = { revokedToken: 'tDpuK_lckMzBE1-F3aUEoLGasSzrk9_Ymr06hIOVBpI', id: 2 }
const CAROL = { id: 3 }

t.test('a database of 0.1 upgraded by the booting plugin keeps its sessions, users and session keys', async t => {
  const mock = await startWechatMock({ apps: [DEMO_APP, PLAIN_APP] })
  t.teardown(() => mock.close())
  const { app, dbUrl, logs } = await buildTestApp(t, 'upgrade_v1', {
    mock,
    seed: async url => { await runSql(url, await schemaV1()) },
    plugin: {
      appId: undefined,
      appSecret: undefined,
      apps: [DEMO_APP, PLAIN_APP].map(({ appId, appSecret }) => ({ appId, appSecret })),
      sessionKeyEncryptionKey: ENCRYPTION_KEY,
      // A minute after the rows were written: the live session has not expired.
      now: () => FIXTURE_AT + 60_000
    }
  })
  t.same(await versionsOf(dbUrl), migrationSteps.map(step => [step.version, step.name]), 'every step is recorded')
  t.match(logs.join(''), /"from":0,"to":\d+,"msg":"schema migrated"/)

  const me = await app.inject({ url: '/api/me', headers: bearer(ALICE.token) })
  t.equal(me.statusCode, 200, 'the live token still works')
  t.match(me.json(), { id: ALICE.id, appId: DEMO_APP.appId, openid: mock.openid('alice', DEMO_APP.appId), unionid: mock.unionid('alice', DEMO_APP.appId) })
  t.equal((await app.inject({ url: '/api/me', headers: bearer(BOB.revokedToken) })).statusCode, 401, 'the revoked token stays refused')

  const data = encryptUserData({ nickName: 'Alice' }, ALICE.sessionKey, DEMO_APP.appId, FIXTURE_AT / 1000)
  t.match(await app.wxLogin.decryptData(me.json(), data), { nickName: 'Alice' }, 'the sealed session key still opens')

  const login = async (user: string, appid: string) => {
    const res = await app.inject({ method: 'POST', url: '/auth/wechat/login', payload: { code: mock.mintCode(user, appid), appid } })
    t.equal(res.statusCode, 200)
    return res.json()
  }
  t.match(await login('alice', DEMO_APP.appId), { user: { id: ALICE.id }, isNewUser: false }, 'the same WeChat user is the same user')
  t.match(await login('bob', DEMO_APP.appId), { user: { id: BOB.id }, isNewUser: false })
  t.match(await login('carol', PLAIN_APP.appId), { user: { id: CAROL.id, unionid: null }, isNewUser: false }, 'a user without unionid too')
  t.match(await login('dave', DEMO_APP.appId), { user: { id: 4 }, isNewUser: true }, 'new users continue the ids')
})
