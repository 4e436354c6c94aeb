import type { FastifyPluginAsync } from 'fastify'
import { answer, wechatError } from '../wechat-answer.js'
import { bodyField, queryParam, type WechatRouteOptions } from './params.js'

const PATH = '/wxa/business/getuserphonenumber'

/** getuserphonenumber: trades a getPhoneNumber button code for the user's phone number. */
export const phoneRoutes: FastifyPluginAsync<WechatRouteOptions> = async (app, { state, clock }) => {
  app.post(PATH, async (request, reply) => {
    const token = queryParam(request, 'access_token')
    if (token === undefined) return answer(reply, PATH, wechatError(41001))
    const tokenApp = state.appForToken(token)
    if (!tokenApp.ok) return answer(reply, PATH, wechatError(tokenApp.errcode))
    const body = request.body
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return answer(reply, PATH, wechatError(47001))
    const code = bodyField(body, 'code')
    if (code === undefined) return answer(reply, PATH, wechatError(40029))
    const outcome = state.redeemPhoneCode(tokenApp.value, code)
    if (!outcome.ok) return answer(reply, PATH, wechatError(outcome.errcode))
    const { phoneNumber, purePhoneNumber, countryCode, appId } = outcome.value
    return answer(reply, PATH, {
      errcode: 0,
      errmsg: 'ok',
      phone_info: { phoneNumber, purePhoneNumber, countryCode, watermark: { timestamp: Math.floor(clock.now() / 1000), appid: appId } }
    })
  })
}
