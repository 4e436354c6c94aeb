import type { Channel } from 'node:diagnostics_channel'
import fastifyRedis from '@fastify/redis'
import wxLogin, { errors, events, memoryStores, type Authenticate, type IssuedToken, type LoginEvent, type SqlClient, type WxLoginOptions, type WxSession, type WxSessionInfo, type WxUser } from '@wx-login/fastify'
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import { Cluster, Redis } from 'ioredis'
import mysql from 'mysql2/promise'
import { describe, expect, test } from 'tstyche'

const app = Fastify()
const options = { appId: 'wx1', appSecret: 's' }

describe('request decorators, by default', () => {
  test('request.user and request.wxSession', () => {
    app.get('/', { onRequest: app.wxLogin.authenticate }, async request => {
      expect(request.user).type.toBe<WxUser | null>()
      expect(request.wxSession).type.toBe<WxSession | null>()
      expect(request.wxSession!.user).type.toBe<WxUser>()
      expect(request.wxSession!.sessionId).type.toBe<string>()
    })
  })

  test('no other name is typed', () => {
    app.get('/', async request => {
      expect(request).type.not.toHaveProperty('wxUser')
    })
  })
})

describe('options', () => {
  test('register takes the plugin with its options', () => {
    expect(app.register).type.toBeCallableWith(wxLogin, options)
    expect(app.register).type.toBeCallableWith(wxLogin, { apps: [{ appId: 'wx1', appSecret: 's' }], stores: memoryStores() })
    expect(app.register).type.toBeCallableWith(wxLogin, { ...options, rateLimit: { perIp: false, perCode: { max: 5 } }, localCache: false })
  })

  test('bad option types are errors', () => {
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ appId: 1 })
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ ...options, tokenTtl: '30d' })
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ ...options, sessionPolicy: 'newest' })
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ ...options, rateLimit: true })
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ ...options, localCache: { ttl: '1m' } })
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ ...options, mysql: 'mysql://localhost' })
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ ...options, redis: { namespace: 1 } })
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ ...options, findUser: async () => ({ name: 'no id' }) })
  })

  test('decoratorName is the declared name: without WxLoginTypes, user', () => {
    expect<WxLoginOptions>().type.toBeAssignableFrom({ ...options, decoratorName: 'user' as const })
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ ...options, decoratorName: 'wxUser' as const })
  })

  test('mysql takes a mysql2 promise pool; redis an ioredis Redis or Cluster, or a namespace', () => {
    const pool = mysql.createPool('mysql://root@127.0.0.1/test')
    expect<WxLoginOptions>().type.toBeAssignableFrom({ ...options, mysql: pool })
    expect<SqlClient>().type.toBeAssignableFrom(pool)
    expect<WxLoginOptions>().type.toBeAssignableFrom({ ...options, redis: new Redis() })
    expect<WxLoginOptions>().type.toBeAssignableFrom({ ...options, redis: new Cluster([]) })
    expect<WxLoginOptions>().type.toBeAssignableFrom({ ...options, redis: { namespace: 'sessions' } })
  })

  test('@fastify/redis is an optional companion: app.redis fits `redis`', () => {
    app.register(fastifyRedis, { namespace: 'sessions' })
    expect<WxLoginOptions>().type.toBeAssignableFrom({ ...options, redis: app.redis.sessions! })
  })

  test('hooks see the user type', () => {
    expect<WxLoginOptions>().type.toBeAssignableFrom({
      ...options,
      findUser: async () => ({ id: 7 }),
      createUser: async () => ({ id: 'u-7' }),
      onLogin: (event: LoginEvent) => { expect(event.user).type.toBe<WxUser>() }
    })
  })
})

describe('app.wxLogin', () => {
  test('authenticate and optionalAuthenticate are hooks, or awaited', () => {
    expect(app.wxLogin.authenticate).type.toBe<Authenticate>()
    expect(app.wxLogin.optionalAuthenticate).type.toBe<Authenticate>()
    expect(app.route).type.toBeCallableWith({ method: 'GET', url: '/', onRequest: app.wxLogin.optionalAuthenticate, handler: async () => 'ok' })
    expect(app.route).type.toBeCallableWith({ method: 'GET', url: '/', preHandler: [app.wxLogin.authenticate], handler: async () => 'ok' })
    const request = {} as FastifyRequest
    const reply = {} as FastifyReply
    expect(app.wxLogin.authenticate(request, reply)).type.toBe<Promise<void>>()
    expect(app.wxLogin.optionalAuthenticate(request, reply, () => {})).type.toBe<void>()
  })

  test('sessions', () => {
    expect(app.wxLogin.verify('token')).type.toBe<Promise<WxSession | null>>()
    expect(app.wxLogin.revoke('token')).type.toBe<Promise<void>>()
    expect(app.wxLogin.revokeAll(1)).type.toBe<Promise<number>>()
    expect(app.wxLogin.listSessions('1')).type.toBe<Promise<WxSessionInfo[]>>()
    expect(app.wxLogin.revokeSession('session-id', 1)).type.toBe<Promise<boolean>>()
    expect(app.wxLogin.issueToken(1)).type.toBe<Promise<IssuedToken>>()
    expect(app.wxLogin.issueToken).type.toBeCallableWith({ id: 1, appId: 'wx1', openid: 'o', unionid: null })
    expect(app.wxLogin.issueToken).type.not.toBeCallableWith({ id: 1 })
    expect(app.wxLogin.pruneSessions()).type.toBe<Promise<number>>()
  })

  test('bans', () => {
    expect(app.wxLogin.ban).type.toBeCallableWith(1, { until: new Date(), reason: 'spam' })
    expect(app.wxLogin.ban).type.toBeCallableWith('1', { until: Date.now() })
    expect(app.wxLogin.ban).type.not.toBeCallableWith(1, { until: 'tomorrow' })
    expect(app.wxLogin.unban(1)).type.toBe<Promise<void>>()
  })

  test('WeChat server APIs take the user', () => {
    const user = {} as WxUser
    expect(app.wxLogin.accessToken()).type.toBe<Promise<string>>()
    expect(app.wxLogin.decryptData(user, { encryptedData: 'e', iv: 'i' })).type.toBe<Promise<Record<string, unknown>>>()
    expect(app.wxLogin.verifySignature(user, 'raw', 'sig')).type.toBe<Promise<boolean>>()
    expect(app.wxLogin.getPhoneNumber).type.toBeCallableWith(user, 'code')
    expect(app.wxLogin.checkSessionKey).type.not.toBeCallableWith({ id: 1 })
  })
})

describe('errors and events', () => {
  test('errors are Fastify error classes', () => {
    expect(new errors.TokenInvalid()).type.toBeAssignableTo<Error & { code: string, statusCode?: number }>()
    expect(new errors.Banned(Date.now()).until).type.toBe<number | null>()
    expect(new errors.Banned().code).type.toBe<'FST_WX_LOGIN_BANNED'>()
    expect(errors).type.not.toHaveProperty('NoSuchError')
  })

  test('events are diagnostics channels', () => {
    expect(events.login).type.toBe<Channel>()
    expect(events).type.toHaveProperty('sessionEnd')
    expect(events).type.toHaveProperty('wechat')
  })
})
