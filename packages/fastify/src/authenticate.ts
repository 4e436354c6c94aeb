import type { FastifyReply, FastifyRequest } from 'fastify'
import { errors } from './errors.js'
import type { TokenReader } from './auth-header.js'
import type { Refusal, SessionManager, Verdict } from './sessions.js'
import type { WxSession } from './types.js'

// A request decorator (not an ad-hoc property) keeps the request's shape
// stable. Its name is fixed: a stable accessor whatever `decoratorName` is.
export const SESSION = 'wxSession'

type AuthenticatedRequest = FastifyRequest & { [SESSION]: WxSession | null }

// Each reason a token is refused has its own stable code (README, "Errors").
const REFUSALS: Record<Exclude<Refusal, 'banned'>, new () => Error> = {
  invalid: errors.TokenInvalid,
  expired: errors.TokenExpired,
  idle: errors.TokenIdle,
  revoked: errors.TokenRevoked,
  replaced: errors.TokenReplaced
}

export function sessionOf (request: FastifyRequest): WxSession | null {
  return (request as AuthenticatedRequest)[SESSION]
}

type Refused = Exclude<Verdict, { session: unknown }>

/** The error that answers a refused token: 401 with the reason's code, or 403 for a ban. */
export function refusalError (reply: FastifyReply, verdict: Refused): Error {
  if (verdict.refused === 'banned') return new errors.Banned(verdict.until ?? null)
  reply.header('www-authenticate', 'Bearer error="invalid_token"')
  return new REFUSALS[verdict.refused]()
}

/**
 * Usable as a hook (`onRequest: authenticate`, callback style) and awaited
 * directly (`await authenticate(request, reply)`).
 */
export interface Authenticate {
  (request: FastifyRequest, reply: FastifyReply): Promise<void>
  (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void
}

export interface Authenticators {
  /** Sets the user, or answers 401 (403 for a ban). */
  authenticate: Authenticate
  /** Sets the user, or leaves it null: never answers 401 or 403. */
  optionalAuthenticate: Authenticate
}

/**
 * The hooks that turn a token into `request[decoratorName]` and
 * `request.wxSession`. A token this process already holds is answered
 * synchronously, without a promise: the warm path is the kit's speed, so it
 * costs a header read and a Map lookup.
 */
export function createAuthenticators (sessions: SessionManager, readToken: TokenReader, decoratorName: string): Authenticators {
  function accept (request: FastifyRequest, session: WxSession): void {
    ;(request as AuthenticatedRequest)[SESSION] = session
    ;(request as unknown as Record<string, unknown>)[decoratorName] = session.user
  }

  function refuse (reply: FastifyReply, verdict: Refused | 'missing'): Error {
    if (verdict === 'missing') {
      reply.header('www-authenticate', 'Bearer')
      return new errors.TokenMissing()
    }
    return refusalError(reply, verdict)
  }

  /**
   * `optional`: a missing or refused token (banned included) leaves the user
   * null. A store failure still fails the request (503): answering "not
   * logged in" because MySQL is down would lie to the route.
   */
  function hook (optional: boolean): Authenticate {
    function run (request: FastifyRequest, reply: FastifyReply, done?: (err?: Error) => void): Promise<void> | undefined {
      const token = readToken(request)
      let failure: Error | undefined
      if (token === undefined) {
        if (!optional) failure = refuse(reply, 'missing')
      } else {
        const local = sessions.peek(token)
        if (local === undefined) {
          const checked = sessions.check(token).then(verdict => {
            if ('session' in verdict) accept(request, verdict.session)
            else if (!optional) throw refuse(reply, verdict)
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
    return run as Authenticate
  }

  return { authenticate: hook(false), optionalAuthenticate: hook(true) }
}
