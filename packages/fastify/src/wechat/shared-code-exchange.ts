import { createHash } from 'node:crypto'
import type { FastifyBaseLogger, FastifyError } from 'fastify'
import { errors } from '../errors.js'
import type { RedisClient } from '../store/redis-client.js'
import { withTimeout } from '../store/with-timeout.js'
import type { WechatSession } from './code2session.js'

/** A code2Session answer as a second request for the same code sees it: no session_key. */
export type SharedWechatSession = Omit<WechatSession, 'sessionKey'> & { sessionKey: string | null }

export interface SharedCodeExchangeOptions {
  exchange: (appId: string, code: string) => Promise<WechatSession>
  redis: Pick<RedisClient, 'status' | 'get' | 'set' | 'del'> | null
  prefix: string
  /** How long a settled answer is shared (a double tap, a client retry), ms. */
  window: number
  /** Longest a code2Session exchange can take, retries included, ms. */
  exchangeTimeout: number
  redisTimeout: number
  log: FastifyBaseLogger
}

interface SharedAnswer { openid?: string, unionid?: string | null, error?: string }

const POLL_MS = 20
const PENDING = 'pending'

// Answers about the code itself are final: a second request gets the same one.
const errorByCode = new Map<string, () => FastifyError>([
  ['FST_WX_LOGIN_CODE_INVALID', () => new errors.CodeInvalid()],
  ['FST_WX_LOGIN_CODE_USED', () => new errors.CodeUsed()],
  ['FST_WX_LOGIN_USER_BLOCKED', () => new errors.UserBlocked()]
])

/**
 * One code2Session call per code, however many requests carry it: the same
 * code posted twice at once (double tap, client retry) would otherwise get
 * WeChat's 40163 on the second call. Requests in this process share one
 * promise; across instances, the first takes a short Redis lock and leaves
 * the answer (openid, unionid or a final error, never the session_key)
 * for `window` ms. Without Redis, each instance exchanges on its own.
 */
export function sharedCodeExchange (options: SharedCodeExchangeOptions): (appId: string, code: string) => Promise<SharedWechatSession> {
  const inFlight = new Map<string, Promise<SharedWechatSession>>()
  const { redis, log } = options

  const redisCall = <T>(command: Promise<T>): Promise<T> => withTimeout(command, options.redisTimeout, 'Redis')

  function fromAnswer (answer: SharedAnswer): SharedWechatSession {
    if (answer.error !== undefined) throw (errorByCode.get(answer.error) ?? (() => new errors.WechatError()))()
    return { openid: answer.openid!, unionid: answer.unionid ?? null, sessionKey: null }
  }

  async function exchangeAndShare (key: string, appId: string, code: string): Promise<SharedWechatSession> {
    let answer: SharedAnswer
    let session: WechatSession
    try {
      session = await options.exchange(appId, code)
      answer = { openid: session.openid, unionid: session.unionid }
    } catch (err) {
      const codeName = (err as FastifyError).code
      if (errorByCode.has(codeName)) {
        await redisCall(redis!.set(key, JSON.stringify({ error: codeName }), 'PX', options.window)).catch(() => {})
      } else {
        // A passing failure: let the next request with this code try again.
        await redisCall(redis!.del(key)).catch(() => {})
      }
      throw err
    }
    await redisCall(redis!.set(key, JSON.stringify(answer), 'PX', options.window)).catch(err => {
      log.warn({ err: { message: (err as Error).message } }, 'wx-login: could not share a code2Session answer')
    })
    return session
  }

  async function acrossInstances (appId: string, code: string): Promise<SharedWechatSession> {
    if (redis === null || redis.status !== 'ready') return await options.exchange(appId, code)
    const key = `${options.prefix}code:${createHash('sha256').update(`${appId}\u0000${code}`).digest('hex')}`
    const deadline = Date.now() + options.exchangeTimeout
    try {
      while (Date.now() < deadline) {
        const acquired = await redisCall(redis.set(key, PENDING, 'PX', options.exchangeTimeout, 'NX'))
        if (acquired === 'OK') return await exchangeAndShare(key, appId, code)
        const value = await redisCall(redis.get(key))
        if (value !== null && value !== PENDING) return fromAnswer(JSON.parse(value) as SharedAnswer)
        await new Promise(resolve => setTimeout(resolve, POLL_MS))
      }
    } catch (err) {
      if ((err as FastifyError).code?.startsWith('FST_WX_LOGIN_')) throw err
      log.warn({ err: { message: (err as Error).message } }, 'wx-login: Redis unavailable for code sharing; exchanging directly')
    }
    return await options.exchange(appId, code)
  }

  return function exchange (appId, code) {
    const local = `${appId}\u0000${code}`
    let pending = inFlight.get(local)
    if (pending === undefined) {
      pending = acrossInstances(appId, code).finally(() => inFlight.delete(local))
      inFlight.set(local, pending)
      return pending
    }
    // A second request in this process: same answer, without the session_key.
    return pending.then(session => ({ ...session, sessionKey: null }))
  }
}
