import type { FastifyInstance, FastifyReply } from 'fastify'
import type { WxLoginApi } from '../api.js'
import { refusalError, sessionOf } from '../authenticate.js'
import { errors } from '../errors.js'
import type { SessionManager } from '../sessions.js'
import { endSessionSchema, listSessionsSchema, refreshSchema } from './schemas.js'

export interface SessionRoutesOptions {
  api: WxLoginApi
  refresh: SessionManager['refresh']
  readToken: (request: import('fastify').FastifyRequest) => string | undefined
}

const iso = (ms: number): string => new Date(ms).toISOString()

/** The caller's own sessions: list them, end one, renew the current one. */
export function sessionRoutes (app: FastifyInstance, { api, refresh, readToken }: SessionRoutesOptions): void {
  app.get('/sessions', { schema: listSessionsSchema, onRequest: api.authenticate }, async request => {
    const current = sessionOf(request)!
    const sessions = await api.listSessions(current.user.id)
    return {
      sessions: sessions.map(s => ({
        id: s.id,
        device: s.device,
        ip: s.ip,
        createdAt: iso(s.createdAt),
        lastSeenAt: iso(s.lastSeenAt),
        current: s.id === current.sessionId
      }))
    }
  })

  app.delete<{ Params: { id: string } }>('/sessions/:id', { schema: endSessionSchema, onRequest: api.authenticate }, async (request, reply: FastifyReply) => {
    // Only the caller's own: another user's id is as unknown as a made-up one.
    if (!await api.revokeSession(request.params.id, sessionOf(request)!.user.id)) throw new errors.SessionNotFound()
    return reply.code(204).send()
  })

  app.post('/refresh', { schema: refreshSchema, onRequest: api.authenticate }, async (request, reply) => {
    const renewed = await refresh(readToken(request)!)
    if ('refused' in renewed) throw refusalError(reply, renewed)
    return { token: renewed.token, expiresAt: iso(renewed.expiresAt) }
  })
}
