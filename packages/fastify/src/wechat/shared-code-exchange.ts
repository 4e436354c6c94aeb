import { createHash } from 'node:crypto'
import type { FastifyBaseLogger, FastifyError } from 'fastify'
import { errors } from '../errors.js'
import { RedisUnavailable, type RedisFaults } from '../redis/faults.js'
import { lockThenPoll, LockWaitTimeout, type LockRedis } from '../redis/lock.js'
import type { WechatSession } from './code2session.js'

/** A code2Session answer as a second request for the same code sees it: no session_key. */
export type SharedWechatSession = Omit<WechatSession, 'sessionKey'> & { sessionKey: string | null }

/** The slice of ioredis the code exchange uses (`app.redis` fits). */
export interface CodeExchangeRedis extends LockRedis {
  get (key: string): Promise<string | null>
  set (key: string, value: string, mode: 'PX', ttlMs: number, condition?: 'NX'): Promise<unknown>
}

export interface SharedCodeExchangeOptions {
  exchange: (appId: string, code: string) => Promise<WechatSession>
  /** null: no Redis (custom stores); WeChat's own 40163 then refuses a used code. */
  redis: CodeExchangeRedis | null
  faults: RedisFaults
  prefix: string
  /** Longest a code2Session exchange can take, retries included, ms. */
  exchangeTimeout: number
  now: () => number
  log: FastifyBaseLogger
}

interface CodeAnswer { openid?: string, unionid?: string | null, error?: string }

// WeChat accepts a code for 5 minutes after wx.login(). Kept that long from
// the exchange, the answer outlives the code: a replay is refused here, and
// after that WeChat answers it with 40029 (expired) itself.
export const CODE_ANSWER_TTL_MS = 5 * 60_000
const PENDING = 'pending:'
const POLL_MS = 20

// Answers about the code itself are final: requests that shared the exchange get the same one.
const errorByCode = new Map<string, () => FastifyError>([
  ['FST_WX_LOGIN_CODE_INVALID', () => new errors.CodeInvalid()],
  ['FST_WX_LOGIN_CODE_USED', () => new errors.CodeUsed()],
  ['FST_WX_LOGIN_USER_BLOCKED', () => new errors.UserBlocked()]
])

/**
 * A code is exchanged with WeChat at most once, and a used code never mints
 * a session. Requests carrying the code while its exchange is in flight (a
 * double tap, a client retry) share that exchange: in this process through
 * one promise; across instances through one Redis key per code, holding
 * `pending:<owner>` during the exchange and then its answer (openid and
 * unionid, or a final error; never the session_key). A request that finds
 * the answer without having seen the exchange pending arrived after it
 * completed: a replay, refused with FST_WX_LOGIN_CODE_USED. A passing
 * failure (WeChat busy or unreachable) frees the key so a retry may exchange.
 * Without Redis, each instance exchanges on its own and WeChat's 40163
 * refuses reuse.
 */
export function sharedCodeExchange (options: SharedCodeExchangeOptions): (appId: string, code: string) => Promise<SharedWechatSession> {
  const inFlight = new Map<string, Promise<SharedWechatSession>>()
  const { redis, faults, log } = options

  function fromAnswer (raw: string): SharedWechatSession {
    const answer = JSON.parse(raw) as CodeAnswer
    if (answer.error !== undefined) throw (errorByCode.get(answer.error) ?? (() => new errors.WechatError()))()
    return { openid: answer.openid!, unionid: answer.unionid ?? null, sessionKey: null }
  }

  async function remember (key: string, answer: CodeAnswer): Promise<void> {
    await faults.call(() => redis!.set(key, JSON.stringify(answer), 'PX', CODE_ANSWER_TTL_MS)).catch(err => {
      log.warn({ err: { message: (err as Error).message } }, 'wx-login: could not record a code2Session answer')
    })
  }

  // Runs while this request holds the code's key; a throw releases the key
  // unless a final answer replaced it.
  async function exchangeHolding (key: string, appId: string, code: string): Promise<WechatSession> {
    let session: WechatSession
    try {
      session = await options.exchange(appId, code)
    } catch (err) {
      const name = (err as FastifyError).code
      if (errorByCode.has(name)) await remember(key, { error: name })
      throw err
    }
    await remember(key, { openid: session.openid, unionid: session.unionid })
    return session
  }

  async function acrossInstances (appId: string, code: string): Promise<SharedWechatSession> {
    // Redis already known to be away: the outage was logged where it was noticed.
    if (redis === null || !faults.available) return await options.exchange(appId, code)
    const key = `${options.prefix}code:${createHash('sha256').update(`${appId}\u0000${code}`).digest('hex')}`
    let sawPending = false
    try {
      return await lockThenPoll<SharedWechatSession>(redis, faults, {
        key,
        ttl: options.exchangeTimeout,
        wait: options.exchangeTimeout,
        poll: POLL_MS,
        now: options.now,
        ownerPrefix: PENDING,
        keep: true,
        holding: () => exchangeHolding(key, appId, code),
        async lookup () {
          const value = await faults.call(() => redis.get(key))
          // Gone: the exchange failed in passing (or its answer lapsed); try the lock again.
          if (value === null) return undefined
          if (value.startsWith(PENDING)) {
            sawPending = true
            return undefined
          }
          const shared = fromAnswer(value)
          if (!sawPending) throw new errors.CodeUsed()
          return shared
        }
      })
    } catch (err) {
      if (!(err instanceof RedisUnavailable) && !(err instanceof LockWaitTimeout)) throw err
      log.warn({ err: { message: err.message } }, 'wx-login: could not share the code exchange through Redis; exchanging directly')
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
    // A second request in this process while the exchange runs: same answer, without the session_key.
    return pending.then(session => ({ ...session, sessionKey: null }))
  }
}
