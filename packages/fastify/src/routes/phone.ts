import type { FastifyInstance } from 'fastify'
import type { WxLoginApi } from '../api.js'
import { sessionOf } from '../authenticate.js'
import type { WechatServerApi } from '../wechat-services.js'
import { phoneSchema } from './schemas.js'

export interface PhoneRouteOptions {
  authenticate: WxLoginApi['authenticate']
  getPhoneNumber: WechatServerApi['getPhoneNumber']
}

/** POST /phone: the code of a `<button open-type="getPhoneNumber">` -> the logged-in user's number. */
export function phoneRoute (app: FastifyInstance, { authenticate, getPhoneNumber }: PhoneRouteOptions): void {
  app.post<{ Body: { code: string } }>('/phone', { schema: phoneSchema, onRequest: authenticate }, async request => {
    return await getPhoneNumber(sessionOf(request)!.user, request.body.code, request)
  })
}
