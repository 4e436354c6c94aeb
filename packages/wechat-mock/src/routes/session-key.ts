import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { MockApp } from '../apps.js'
import type { WechatState } from '../state.js'
import { answer, wechatError, type WechatPath } from '../wechat-answer.js'
import { queryParam, type WechatRouteOptions } from './params.js'

/** Both endpoints prove knowledge of the current session_key the same way; answers the app and user, or an errcode. */
function verify (state: WechatState, request: FastifyRequest): { app: MockApp, user: string, openid: string } | number {
  const token = queryParam(request, 'access_token')
  if (token === undefined) return 41001
  const tokenApp = state.appForToken(token)
  if (!tokenApp.ok) return tokenApp.errcode
  const openid = queryParam(request, 'openid')
  const signature = queryParam(request, 'signature')
  if (openid === undefined || signature === undefined || queryParam(request, 'sig_method') !== 'hmac_sha256') return 40097
  const user = state.verifySessionSignature(tokenApp.value, openid, signature)
  if (!user.ok) return user.errcode
  return { app: tokenApp.value, user: user.value, openid }
}

/** checksession and resetusersessionkey: server-side checks of a user's session_key. */
export const sessionKeyRoutes: FastifyPluginAsync<WechatRouteOptions> = async (app, { state }) => {
  app.get('/wxa/checksession', async (request, reply) => {
    const path: WechatPath = '/wxa/checksession'
    const verified = verify(state, request)
    if (typeof verified === 'number') return answer(reply, path, wechatError(verified))
    return answer(reply, path, { errcode: 0, errmsg: 'ok' })
  })

  app.get('/wxa/resetusersessionkey', async (request, reply) => {
    const path: WechatPath = '/wxa/resetusersessionkey'
    const verified = verify(state, request)
    if (typeof verified === 'number') return answer(reply, path, wechatError(verified))
    const sessionKey = state.resetSessionKey(verified.app, verified.user)
    return answer(reply, path, { errcode: 0, errmsg: 'ok', openid: verified.openid, session_key: sessionKey })
  })
}
