import type { FastifyPluginAsync } from 'fastify'
import { answer, wechatError } from '../wechat-answer.js'
import { authenticateApp, queryParam, type WechatRouteOptions } from './params.js'

const PATH = '/sns/jscode2session'

/** code2Session: trades a wx.login() code for openid, session_key and (in a union group) unionid. */
export const jscode2sessionRoutes: FastifyPluginAsync<WechatRouteOptions> = async (app, { apps, state }) => {
  app.get(PATH, async (request, reply) => {
    const appOrError = authenticateApp(apps, queryParam(request, 'appid'), queryParam(request, 'secret'))
    if (typeof appOrError === 'number') return answer(reply, PATH, wechatError(appOrError))
    const grantType = queryParam(request, 'grant_type')
    if (grantType !== undefined && grantType !== 'authorization_code') return answer(reply, PATH, wechatError(40002))
    const code = queryParam(request, 'js_code')
    if (code === undefined) return answer(reply, PATH, wechatError(41008))
    const outcome = state.redeemLoginCode(appOrError, code)
    return answer(reply, PATH, outcome.ok ? outcome.value : wechatError(outcome.errcode))
  })
}
