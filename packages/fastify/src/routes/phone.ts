import type { FastifyInstance } from 'fastify'
import type { WxLoginApi } from '../api.js'
import { sessionOf } from '../authenticate.js'
import type { RateLimitHook } from '../rate-limit/limiter.js'
import type { WechatServerApi } from '../wechat-services.js'
import { phoneSchema } from './schemas.js'

export interface PhoneRouteOptions {
  authenticate: WxLoginApi['authenticate']
  /** Per user; a preHandler, so only requests that will reach WeChat are counted. */
  rateLimit: RateLimitHook[]
  getPhoneNumber: WechatServerApi['getPhoneNumber']
}

/** POST /phone: the code of a `<button open-type="getPhoneNumber">` -> the logged-in user's number. */
export function phoneRoute (app: FastifyInstance, { authenticate, rateLimit, getPhoneNumber }: PhoneRouteOptions): void {
  app.post<{ Body: { code: string } }>('/phone', { schema: phoneSchema, onRequest: authenticate, preHandler: rateLimit }, async request => {
    return await getPhoneNumber(sessionOf(request)!.user, request.body.code, request)
  })
}
