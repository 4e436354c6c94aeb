import type { FastifyReply, FastifyRequest } from 'fastify'
import { errors } from './errors.js'
import type { TokenReader } from './auth-header.js'
import type { SessionManager } from './sessions.js'
import type { WxSession } from './types.js'

// A request decorator (not an ad-hoc property) keeps the request's shape stable.
export const SESSION = 'wxLoginSession'

type AuthenticatedRequest = FastifyRequest & { [SESSION]: WxSession | null }

export function sessionOf (request: FastifyRequest): WxSession | null {
  return (request as AuthenticatedRequest)[SESSION]
}

/**
 * Usable as a hook (`onRequest: authenticate`, callback style) and awaited
 * directly (`await authenticate(request, reply)`).
 */
export interface Authenticate {
  (request: FastifyRequest, reply: FastifyReply): Promise<void>
  (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void
}

/**
 * The hook that turns a token into `request[decoratorName]`. A token this
 * process already holds is answered synchronously, without a promise: the
 * warm path is the kit's speed, so it costs a header read and a Map lookup.
 */
export function createAuthenticate (sessions: SessionManager, readToken: TokenReader, decoratorName: string): Authenticate {
  function accept (request: FastifyRequest, session: WxSession): void {
    ;(request as AuthenticatedRequest)[SESSION] = session
    ;(request as unknown as Record<string, unknown>)[decoratorName] = session.user
  }

  function refuse (reply: FastifyReply, missing: boolean): Error {
    reply.header('www-authenticate', missing ? 'Bearer' : 'Bearer error="invalid_token"')
    return missing ? new errors.TokenMissing() : new errors.TokenInvalid()
  }

  function authenticate (request: FastifyRequest, reply: FastifyReply, done?: (err?: Error) => void): Promise<void> | undefined {
    const token = readToken(request)
    let failure: Error | undefined
    if (token === undefined) {
      failure = refuse(reply, true)
    } else {
      const local = sessions.peek(token)
      if (local === undefined) {
        const checked = sessions.verify(token).then(session => {
          if (session === null) throw refuse(reply, false)
          accept(request, session)
        })
        if (done === undefined) return checked
        checked.then(() => done(), done)
        return undefined
      }
      accept(request, local)
    }
    if (done === undefined) return failure === undefined ? Promise.resolve() : Promise.reject(failure)
    done(failure)
    return undefined
  }

  return authenticate as Authenticate
}
