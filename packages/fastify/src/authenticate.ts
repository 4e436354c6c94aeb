import type { FastifyReply, FastifyRequest } from 'fastify'
import { errors } from './errors.js'
import type { TokenReader } from './auth-header.js'
import type { SessionManager } from './sessions.js'
import type { WxSession } from './types.js'

// A request decorator (not an ad-hoc property) keeps the request's shape stable.
export const SESSION = 'wxLoginSession'

type AuthenticatedRequest = FastifyRequest & { [SESSION]?: WxSession }

export function sessionOf (request: FastifyRequest): WxSession | undefined {
  return (request as AuthenticatedRequest)[SESSION]
}

/** The onRequest/preHandler hook that turns a token into `request[decoratorName]`. */
export function createAuthenticate (sessions: SessionManager, readToken: TokenReader, decoratorName: string) {
  return async function authenticate (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = readToken(request)
    if (token === undefined) {
      reply.header('www-authenticate', 'Bearer')
      throw new errors.TokenMissing()
    }
    const session = await sessions.verify(token)
    if (session === null) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"')
      throw new errors.TokenInvalid()
    }
    ;(request as AuthenticatedRequest)[SESSION] = session
    ;(request as unknown as Record<string, unknown>)[decoratorName] = session.user
  }
}
