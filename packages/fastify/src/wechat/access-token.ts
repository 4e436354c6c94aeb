import type { FastifyBaseLogger } from 'fastify'
import type { AppResolver } from '../apps.js'
import { errors } from '../errors.js'
import { RedisUnavailable, type RedisFaults } from '../redis/faults.js'
import { lockThenPoll, LockWaitTimeout, type LockRedis } from '../redis/lock.js'
import type { WechatHttp, WechatReply } from './http.js'
import { errcodeOf, retryWhileBusy, WECHAT_BUSY, type BusyRetry } from './retry.js'

/** WeChat's answers that mean the access_token itself is bad. */
export const ACCESS_TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 42001, 40014])

/** The slice of ioredis the shared token cache uses (`app.redis` fits). */
export interface AccessTokenRedis extends LockRedis {
  get (key: string): Promise<string | null>
  set (key: string, value: string, ...options: Array<string | number>): Promise<unknown>
}

export interface AccessTokensOptions extends BusyRetry {
  http: WechatHttp
  apps: AppResolver
  /** null: no Redis; each instance keeps its own token (stable_token keeps them valid side by side). */
  redis: AccessTokenRedis | null
  /** Every Redis command goes through it: bounded, and skipped for a while after a failure. */
  faults: RedisFaults
  prefix: string
  /** How long one instance may hold the refresh lock; past it another may refresh. */
  lockTtl: number
  /** Longest wait for another instance's refresh; then this instance fetches on its own. */
  lockWait: number
  now: () => number
  log: FastifyBaseLogger
}

export interface AccessTokens {
  /** A valid access_token of the app, shared by every instance. */
  get (appId: string): Promise<string>
  /**
   * Runs a WeChat call with the app's token. When WeChat says the token is
   * bad (40001/42001/40014), fetches a new one and runs the call once more.
   */
  call (appId: string, request: (accessToken: string) => Promise<WechatReply>): Promise<WechatReply>
}

interface Grant { token: string, expiresAt: number }

// stable_token hands out a token with at least 300 s left and renews it on
// WeChat's side before that; refreshing with 180 s left always gets a new one.
const REFRESH_AHEAD_MS = 180_000
const POLL_MS = 25

/**
 * The access_token of each app, fetched with POST /cgi-bin/stable_token
 * (normal mode) and shared through Redis: one refresher at a time across
 * instances (SET NX PX lock), the others wait for its result up to
 * `lockWait`. Each instance also keeps the token in memory and fetches at
 * most once at a time, so a Redis outage (or a lock holder that hangs)
 * costs one WeChat call per instance, never one per request, and never a
 * wait longer than `lockWait`.
 */
export function createAccessTokens (options: AccessTokensOptions): AccessTokens {
  const { http, redis, faults, now, log } = options
  const local = new Map<string, Grant>()
  const inflight = new Map<string, Promise<Grant>>()

  const usable = (grant: Grant | undefined, bad: string | undefined): grant is Grant =>
    grant !== undefined && grant.token !== bad && grant.expiresAt - now() > REFRESH_AHEAD_MS

  async function stableToken (appId: string, forceRefresh: boolean): Promise<Grant> {
    const { appSecret } = options.apps(appId)
    const reply = await retryWhileBusy(() => http.post('/cgi-bin/stable_token', {}, {
      grant_type: 'client_credential', appid: appId, secret: appSecret, force_refresh: forceRefresh
    }), options)
    const errcode = errcodeOf(reply)
    if (errcode !== 0) {
      log.error({ appId, errcode }, 'wx-login: stable_token failed')
      if (errcode === WECHAT_BUSY) throw new errors.WechatBusy()
      if (errcode === 40013 || errcode === 40125) throw new errors.Config()
      throw new errors.WechatError()
    }
    if (typeof reply.access_token !== 'string' || reply.access_token === '' || typeof reply.expires_in !== 'number') {
      throw new errors.WechatError()
    }
    return { token: reply.access_token, expiresAt: now() + reply.expires_in * 1000 }
  }

  // The plain refetch usually replaces a bad token; force_refresh (limited
  // by WeChat to a few a day) only when WeChat keeps handing out the bad one.
  async function fetchGrant (appId: string, bad: string | undefined): Promise<Grant> {
    const grant = await stableToken(appId, false)
    if (bad === undefined || grant.token !== bad) return grant
    log.warn({ appId }, 'wx-login: stable_token returned the rejected access_token again; forcing a refresh')
    return await stableToken(appId, true)
  }

  async function readShared (key: string): Promise<Grant | undefined> {
    const raw = await faults.call(() => redis!.get(key))
    if (raw === null) return undefined
    try {
      const grant = JSON.parse(raw) as Grant
      return typeof grant.token === 'string' && typeof grant.expiresAt === 'number' ? grant : undefined
    } catch {
      return undefined
    }
  }

  async function share (appId: string, key: string, grant: Grant): Promise<void> {
    await faults.call(() => redis!.set(key, JSON.stringify(grant), 'PX', Math.max(1, grant.expiresAt - now()))).catch(() => {
      log.warn({ appId }, 'wx-login: could not share the new access_token through Redis')
    })
  }

  async function loadShared (appId: string, bad: string | undefined): Promise<Grant> {
    const key = `${options.prefix}access-token:${appId}`
    const cached = await readShared(key)
    if (usable(cached, bad)) return cached
    return await lockThenPoll<Grant>(redis!, faults, {
      key: `${key}:lock`,
      ttl: options.lockTtl,
      wait: options.lockWait,
      poll: POLL_MS,
      now,
      // Another instance is refreshing: wait for its result in Redis.
      lookup: async () => {
        const shared = await readShared(key)
        return usable(shared, bad) ? shared : undefined
      },
      async holding () {
        // Another instance may have refreshed between our read and our lock.
        const again = await readShared(key)
        if (usable(again, bad)) return again
        const grant = await fetchGrant(appId, bad)
        await share(appId, key, grant)
        return grant
      }
    })
  }

  async function load (appId: string, bad: string | undefined): Promise<Grant> {
    if (redis === null) return await fetchGrant(appId, bad)
    try {
      return await loadShared(appId, bad)
    } catch (err) {
      if (err instanceof RedisUnavailable) {
        log.warn({ appId }, 'wx-login: Redis unavailable; fetching the access_token directly, cached in this instance only')
      } else if (err instanceof LockWaitTimeout) {
        // stable_token in normal mode hands this instance the holder's token too: nothing is invalidated.
        log.warn({ appId }, 'wx-login: another instance held the access_token lock too long; fetching the access_token directly, cached in this instance only')
      } else {
        throw err
      }
    }
    return await fetchGrant(appId, bad)
  }

  /** The app's token, skipping `bad`; one load per app at a time in this process. */
  async function grant (appId: string, bad?: string): Promise<Grant> {
    const cached = local.get(appId)
    if (usable(cached, bad)) return cached
    const running = inflight.get(appId)
    if (running !== undefined) {
      const shared = await running
      return usable(shared, bad) ? shared : await grant(appId, bad)
    }
    const loading = load(appId, bad)
      .then(loaded => { local.set(appId, loaded); return loaded })
      .finally(() => inflight.delete(appId))
    inflight.set(appId, loading)
    return await loading
  }

  return {
    get: async appId => (await grant(appId)).token,

    async call (appId, request) {
      const first = await grant(appId)
      const reply = await request(first.token)
      const errcode = errcodeOf(reply)
      if (!ACCESS_TOKEN_ERRCODES.has(errcode)) return reply
      log.warn({ appId, errcode }, 'wx-login: WeChat rejected the access_token; fetching a new one')
      const second = await grant(appId, first.token)
      return await request(second.token)
    }
  }
}
