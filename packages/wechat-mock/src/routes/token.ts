import type { FastifyPluginAsync } from 'fastify'
import { answer, wechatError } from '../wechat-answer.js'
import { authenticateApp, bodyField, queryParam, type WechatRouteOptions } from './params.js'

/** access_token: the stable endpoint (shared token) and the legacy one (each call replaces the token). */
export const tokenRoutes: FastifyPluginAsync<WechatRouteOptions> = async (app, { apps, state }) => {
  app.post('/cgi-bin/stable_token', async (request, reply) => {
    const path = '/cgi-bin/stable_token'
    const body = request.body
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return answer(reply, path, wechatError(47001))
    if (bodyField(body, 'grant_type') !== 'client_credential') return answer(reply, path, wechatError(40002))
    const appOrError = authenticateApp(apps, bodyField(body, 'appid'), bodyField(body, 'secret'))
    if (typeof appOrError === 'number') return answer(reply, path, wechatError(appOrError))
    const forceRefresh = (body as Record<string, unknown>).force_refresh
    if (forceRefresh !== undefined && typeof forceRefresh !== 'boolean') return answer(reply, path, wechatError(47001))
    return answer(reply, path, state.stableToken(appOrError, forceRefresh === true))
  })

  app.get('/cgi-bin/token', async (request, reply) => {
    const path = '/cgi-bin/token'
    if (queryParam(request, 'grant_type') !== 'client_credential') return answer(reply, path, wechatError(40002))
    const appOrError = authenticateApp(apps, queryParam(request, 'appid'), queryParam(request, 'secret'))
    if (typeof appOrError === 'number') return answer(reply, path, wechatError(appOrError))
    return answer(reply, path, state.legacyToken(appOrError))
  })
}
