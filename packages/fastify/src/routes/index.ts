import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sessionOf } from '../authenticate.js'
import type { WxLoginApi } from '../api.js'
import { rateLimits, type RateLimitOptions } from '../rate-limit/index.js'
import type { CounterRedis } from '../rate-limit/store.js'
import type { RedisFaults } from '../redis/faults.js'
import { loginErrorHandler } from './error-handler.js'
import { phoneRoute } from './phone.js'
import { sessionRoutes } from './sessions.js'
import type { LoginBody, LoginResult } from '../login.js'
import type { SessionManager } from '../sessions.js'
import { loginSchema, logoutSchema, sessionSchema } from './schemas.js'
import type { WxUser } from '../types.js'
import type { WechatServerApi } from '../wechat-services.js'

export interface LoginRoutesOptions {
  api: WxLoginApi
  login: (body: LoginBody, request: FastifyRequest) => Promise<LoginResult>
  refresh: SessionManager['refresh']
  getPhoneNumber: WechatServerApi['getPhoneNumber']
  readToken: (request: FastifyRequest) => string | undefined
  rateLimit: RateLimitOptions
  rateLimitRedis: CounterRedis | null
  redisFaults: RedisFaults
  now: () => number
  redisPrefix: string
}

const publicUser = (user: WxUser): WxUser => ({ id: user.id, appId: user.appId, openid: user.openid, unionid: user.unionid })

/**
 * The login routes. Registered as a plain (encapsulated) plugin so the
 * `prefix` option applies and the error handler stays ours alone.
 */
export async function loginRoutes (app: FastifyInstance, options: LoginRoutesOptions): Promise<void> {
  const { api, login, readToken } = options
  app.setErrorHandler(loginErrorHandler)
  const limits = rateLimits(options.rateLimit, options.rateLimitRedis, options.redisPrefix, options.redisFaults, options.now)

  app.post<{ Body: LoginBody }>('/login', {
    schema: loginSchema,
    onRequest: limits.loginOnRequest,
    preHandler: limits.loginPreHandler
  }, async request => {
    const result = await login(request.body, request)
    return {
      token: result.token,
      expiresAt: new Date(result.expiresAt).toISOString(),
      user: publicUser(result.user),
      isNewUser: result.isNewUser
    }
  })

  app.get('/session', { schema: sessionSchema, onRequest: api.authenticate }, async request => {
    const session = sessionOf(request)!
    return { user: publicUser(session.user), expiresAt: new Date(session.expiresAt).toISOString() }
  })

  app.post('/logout', { schema: logoutSchema, onRequest: api.authenticate }, async (request, reply: FastifyReply) => {
    await api.revoke(readToken(request)!)
    return reply.code(204).send()
  })

  app.post('/logout-all', { schema: logoutSchema, onRequest: api.authenticate }, async (request, reply: FastifyReply) => {
    await api.revokeAll(sessionOf(request)!.user.id)
    return reply.code(204).send()
  })

  sessionRoutes(app, { api, refresh: options.refresh, readToken })
  phoneRoute(app, { authenticate: api.authenticate, rateLimit: limits.phonePreHandler, getPhoneNumber: options.getPhoneNumber })
}
