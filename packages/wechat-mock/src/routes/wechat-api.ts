import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyPluginAsync } from 'fastify'
import type { CallLog, MockCall } from '../calls.js'
import type { FaultBook } from '../faults.js'
import { answer, wechatError, type WechatPath } from '../wechat-answer.js'
import { jscode2sessionRoutes } from './jscode2session.js'
import type { WechatRouteOptions } from './params.js'
import { phoneRoutes } from './phone.js'
import { sessionKeyRoutes } from './session-key.js'
import { tokenRoutes } from './token.js'

export interface WechatApiOptions extends WechatRouteOptions {
  faults: FaultBook
  calls: CallLog
}

const callOf = new WeakMap<object, MockCall>()

/** Reads a body as JSON whatever its Content-Type, and never fails: WeChat answers bad bodies with errcode 47001. */
function lenientJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The WeChat endpoints, in their own scope: WeChat-style body parsing, call recording and fault injection. */
export const wechatApiRoutes: FastifyPluginAsync<WechatApiOptions> = async (app, options) => {
  const { clock, faults, calls } = options
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, lenientJson(body as string))
  })

  app.addHook('preHandler', async (request, reply) => {
    // Only WeChat endpoints are registered in this scope.
    const path = request.routeOptions.url as WechatPath
    const call = calls.record({ at: clock.now(), method: request.method, path, query: request.query, body: request.body })
    callOf.set(request, call)
    const action = faults.take(path)
    if (action === undefined) return
    if (action.delayMs > 0) await sleep(action.delayMs)
    if (action.kind === 'drop') {
      // The client sees the connection close with no answer, as with a network failure.
      reply.hijack()
      request.raw.socket.destroy()
      return reply
    }
    if (action.kind === 'errcode') return answer(reply, path, wechatError(action.errcode, action.errmsg))
    if (action.kind === 'status') {
      return reply.code(action.status).type('text/html').send(`<html><body><h1>${action.status}</h1>mock fault</body></html>`)
    }
  })

  app.addHook('onSend', async (request, reply, payload) => {
    const call = callOf.get(request)
    if (call !== undefined) {
      call.status = reply.statusCode
      const parsed = reply.statusCode === 200 && typeof payload === 'string' ? lenientJson(payload) : undefined
      call.errcode = typeof parsed === 'object' && parsed !== null
        ? ((parsed as { errcode?: unknown }).errcode as number | undefined) ?? 0
        : null
    }
    return payload
  })

  await app.register(jscode2sessionRoutes, options)
  await app.register(tokenRoutes, options)
  await app.register(phoneRoutes, options)
  await app.register(sessionKeyRoutes, options)
}
