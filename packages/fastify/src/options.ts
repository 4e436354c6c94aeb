import type { FastifyRequest } from 'fastify'
import type { UserHooks, WxLoginDecoratorName } from './types.js'
import { resolveApps, type WxAppCredentials } from './apps.js'
import { parseEncryptionKey } from './crypto/session-key-box.js'
import type { SqlClient } from './store/mysql-client.js'
import type { RedisClient } from './store/redis-client.js'
import type { WxLoginStores } from './store/types.js'
import type { RateLimitOptions, RateLimitWindow } from './rate-limit/index.js'
import type { LocalCacheOptions } from './store/local-cache.js'
import { TABLE_PREFIX_PATTERN } from './store/sql.js'

const SECOND = 1000
const HOUR = 60 * 60 * SECOND
const DAY = 24 * HOUR

/**
 * The plugin whose types also declare `request.user`, found as the boot
 * finds it at run time (by its other request decorators).
 */
type UserClaimedBy = 'jwtVerify' extends keyof FastifyRequest
  ? '@fastify/jwt'
  : 'isAuthenticated' extends keyof FastifyRequest ? '@fastify/passport' : never

/**
 * Next to @fastify/jwt or @fastify/passport, keeping the default name would
 * give request.user two types, an error that `skipLibCheck` hides. So the
 * options then demand a decoratorName, and the literal type says why.
 */
type UserClaimed = [UserClaimedBy] extends [never] ? false : WxLoginDecoratorName extends 'user' ? true : false

/**
 * The plugin's options. Next to @fastify/jwt or @fastify/passport, keeping
 * the default name would give request.user two types, an error that
 * `skipLibCheck` hides; so `decoratorName` is then required, and its type
 * says why.
 */
export type WxLoginOptions = UserClaimed extends true
  ? Omit<WxLoginBaseOptions, 'decoratorName'> & { decoratorName: `${UserClaimedBy} also claims request.user: declare another decoratorName in WxLoginTypes and pass it here` }
  : WxLoginBaseOptions

export interface WxLoginBaseOptions extends UserHooks {
  /** The mini program's AppID (or use `apps`). */
  appId?: string
  /** The mini program's AppSecret. Never logged, never sent to a client. */
  appSecret?: string
  /** Several mini programs on one server, instead of `appId` + `appSecret`; the login body then names its `appid`. */
  apps?: WxAppCredentials[]
  /** One user across the apps of one Open Platform group, found by unionid (built-in users table). Default false. */
  linkByUnionId?: boolean
  /**
   * Keep each user's session_key, sealed with AES-256-GCM under this key
   * (32 bytes: a Buffer, 64 hex characters or base64). Without it,
   * session keys are not stored and decryptData & co. answer FST_WX_LOGIN_SESSION_KEY_DISABLED.
   */
  sessionKeyEncryptionKey?: string | Buffer
  /** WeChat's API origin; point it at @wx-login/wechat-mock in tests. */
  apiBase?: string
  /** Where the login routes live. Default '/auth/wechat'. */
  prefix?: string
  /** Absolute token lifetime in ms. Default 30 days. */
  tokenTtl?: number
  /** A token unused this long (ms) expires. Default 7 days. */
  idleTtl?: number
  /**
   * Last-seen is written at most this often per session, ms. The record lags a
   * session's last use by at most twice this: the precision of the idle
   * timeout and of `lastSeenAt`. At most half of idleTtl. Default
   * min(idleTtl / 100, 60 s).
   */
  lastSeenInterval?: number
  /** Create users on first login. false: unknown users get 403 FST_WX_LOGIN_NOT_BOUND. */
  autoRegister?: boolean
  /** Keep at most this many live sessions per user; 0 = unlimited. */
  maxSessionsPerUser?: number
  /** Keep at most this many live sessions per user on one kind of device (phone, pc, devtools, other); 0 = unlimited. */
  maxSessionsPerPlatform?: number
  /** Past a limit: end the oldest sessions (reason REPLACED), or refuse the new login with 409. Default 'evict-oldest'. */
  sessionPolicy?: 'evict-oldest' | 'reject-new'
  /** How long after the first login a session may be refreshed (POST {prefix}/refresh), ms. Default 90 days. */
  maxLifetime?: number
  /** How long a refreshed token's old value keeps working (requests in flight), ms. Default 30 s. */
  refreshGrace?: number
  /** How long ended sessions are kept to answer why a token is refused (pruneSessions honours it), ms. Default 7 days. */
  endedRetention?: number
  /** Prefix of the MySQL table names. Default 'wx_'. */
  tablePrefix?: string
  /** Prefix of the Redis keys. Default 'wx-login:'. */
  redisPrefix?: string
  /**
   * The request property that holds the user. Default 'user', which
   * @fastify/jwt and @fastify/passport also claim: next to them, pick another
   * name and declare it in `WxLoginTypes` (`decoratorName: 'wxUser'`) so the
   * types follow.
   */
  decoratorName?: WxLoginDecoratorName
  /** Apply the schema's missing migration steps at boot (see migrate). Default true. */
  migrate?: boolean
  /** The header that carries the token. Default 'authorization'. */
  tokenHeader?: string
  /** The scheme before the token in that header; '' for a bare token. Default 'Bearer'. */
  tokenScheme?: string
  /** Timeout of each phase of a WeChat call (connect, headers, body), ms. Default 5000. */
  wechatTimeout?: number
  /** Extra attempts when WeChat answers -1 (busy). Default 2. */
  wechatRetries?: number
  /** A Redis command slower than this (ms) falls back to MySQL. Default 250. */
  redisTimeout?: number
  /**
   * The in-process session cache in front of Redis, kept correct by Redis
   * pub/sub; false turns it off. Default { maxEntries: 100000, maxBytes: 64 MiB, ttl: 600000 }.
   * An entry takes about 90 bytes plus its user's JSON; maxBytes is at most 4 GiB.
   */
  localCache?: false | Partial<LocalCacheOptions>
  /**
   * Rate limits, counted in Redis and shared by every instance; false turns them all off.
   * Default { perIp: { max: 300, timeWindow: 60000 }, perCode: { max: 20, timeWindow: 60000 },
   * perUserPhone: { max: 10, timeWindow: 3600000 } }.
   */
  rateLimit?: false | { [Limit in keyof RateLimitOptions]?: false | Partial<RateLimitWindow> }
  /**
   * The MySQL pool to use: a mysql2 promise pool (or anything with its
   * `query` and `execute`). Default: `app.mysql` from @fastify/mysql
   * (`promise: true`). The plugin never closes it.
   */
  mysql?: SqlClient
  /**
   * The Redis client to use: an ioredis `Redis` or `Cluster`, or
   * `{ namespace }` for a @fastify/redis namespace (`app.redis[namespace]`).
   * Default: `app.redis` from @fastify/redis. The plugin never closes it.
   */
  redis?: RedisClient | { namespace: string }
  /** Replace the MySQL/Redis stores (e.g. memoryStores() in a demo). */
  stores?: WxLoginStores
  /** The clock, in epoch ms. For tests. */
  now?: () => number
}

export type ResolvedOptions = Required<Omit<WxLoginBaseOptions, keyof UserHooks | 'stores' | 'localCache' | 'rateLimit' | 'sessionKeyEncryptionKey' | 'decoratorName' | 'mysql' | 'redis'>> &
  UserHooks & { stores: WxLoginStores | undefined, localCache: LocalCacheOptions | false, rateLimit: RateLimitOptions } &
  { sessionKeyEncryptionKey: Buffer | null, decoratorName: string, mysql: SqlClient | undefined, redis: RedisClient | { namespace: string } | undefined }

function fail (message: string): never {
  throw new Error(`@wx-login/fastify: ${message}`)
}

function positive (name: string, value: unknown, fallback: number, unit = 'milliseconds'): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) fail(`${name} must be a positive number of ${unit}`)
  return value
}

function text (name: string, value: unknown, fallback: string, pattern?: RegExp): string {
  if (value === undefined) return fallback
  if (typeof value !== 'string' || (pattern !== undefined && !pattern.test(value))) {
    fail(`${name} must be a string${pattern === undefined ? '' : ` matching ${pattern}`}`)
  }
  return value
}

function hook<T> (name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail(`${name} must be a function`)
  return value
}

/** Checks every option and fills the defaults, in one place. */
export function resolveOptions (options: WxLoginBaseOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') fail('options are required: { appId, appSecret }')
  const apps = resolveApps(options)

  const apiBase = text('apiBase', options.apiBase, 'https://api.weixin.qq.com')
  try {
    const url = new URL(apiBase)
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('protocol')
  } catch {
    fail('apiBase must be an http(s) URL')
  }

  const tokenTtl = positive('tokenTtl', options.tokenTtl, 30 * DAY)
  const idleTtl = positive('idleTtl', options.idleTtl, 7 * DAY)
  // Sliding expiry without a write per request; half the idle window at most,
  // so a session in use is written well before it could look idle.
  const lastSeenInterval = positive('lastSeenInterval', options.lastSeenInterval, Math.min(idleTtl / 100, 60 * SECOND))
  if (lastSeenInterval > idleTtl / 2) fail('lastSeenInterval must be at most half of idleTtl')
  const [maxSessionsPerUser, maxSessionsPerPlatform] = (['maxSessionsPerUser', 'maxSessionsPerPlatform'] as const).map(name => {
    const value = options[name] ?? 0
    if (!Number.isInteger(value) || value < 0) fail(`${name} must be a whole number (0 = unlimited)`)
    return value
  }) as [number, number]
  const sessionPolicy = options.sessionPolicy ?? 'evict-oldest'
  if (sessionPolicy !== 'evict-oldest' && sessionPolicy !== 'reject-new') fail("sessionPolicy must be 'evict-oldest' or 'reject-new'")
  const maxLifetime = positive('maxLifetime', options.maxLifetime, 90 * DAY)
  if (maxLifetime < tokenTtl && options.maxLifetime !== undefined) fail('maxLifetime must be at least tokenTtl')
  const wechatRetries = options.wechatRetries ?? 2
  if (!Number.isInteger(wechatRetries) || wechatRetries < 0 || wechatRetries > 5) fail('wechatRetries must be a whole number from 0 to 5')
  for (const name of ['autoRegister', 'migrate', 'linkByUnionId'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') fail(`${name} must be a boolean`)
  }
  if (options.createUser !== undefined && options.findUser === undefined) fail('createUser needs findUser: the two replace the built-in users table together')
  if (options.findUser !== undefined && options.createUser === undefined && options.autoRegister !== false) {
    fail('findUser needs createUser, or autoRegister: false')
  }
  if (options.now !== undefined && typeof options.now !== 'function') fail('now must be a function')
  if (options.linkByUnionId === true && (options.findUser !== undefined || options.stores !== undefined)) {
    fail('linkByUnionId links users in the built-in MySQL users table; with findUser or stores, link by identity.unionid yourself')
  }
  const stores = options.stores
  if (stores !== undefined && (typeof stores !== 'object' || stores === null || !stores.users || !stores.sessions || stores.cache === undefined)) {
    fail('stores must be { users, sessions, cache }')
  }

  const mysql = options.mysql
  if (mysql !== undefined && (typeof mysql !== 'object' || mysql === null || typeof mysql.query !== 'function' || typeof mysql.execute !== 'function')) {
    fail('mysql must be a mysql2 promise pool (with query and execute)')
  }
  const redis = options.redis
  if (redis !== undefined) {
    if (typeof redis !== 'object' || redis === null) fail('redis must be an ioredis client or { namespace }')
    if ('namespace' in redis) {
      if (typeof redis.namespace !== 'string' || redis.namespace === '') fail('redis.namespace must be the name of a @fastify/redis namespace')
    } else if (typeof redis.get !== 'function' || typeof redis.eval !== 'function' || typeof redis.on !== 'function') {
      fail('redis must be an ioredis client or { namespace }')
    }
  }

  const given = options.rateLimit === false ? { perIp: false as const, perCode: false as const, perUserPhone: false as const } : options.rateLimit ?? {}
  if (typeof given !== 'object' || given === null) fail('rateLimit must be false or { perIp, perCode, perUserPhone }')
  const rateWindow = (name: keyof RateLimitOptions, max: number, timeWindow: number): RateLimitWindow | false => {
    const value = given[name]
    if (value === false) return false
    if (value !== undefined && (typeof value !== 'object' || value === null)) fail(`rateLimit.${name} must be false or { max, timeWindow }`)
    return {
      max: positive(`rateLimit.${name}.max`, value?.max, max, 'requests'),
      timeWindow: positive(`rateLimit.${name}.timeWindow`, value?.timeWindow, timeWindow)
    }
  }
  const rateLimit = {
    perIp: rateWindow('perIp', 300, 60 * SECOND),
    perCode: rateWindow('perCode', 20, 60 * SECOND),
    // getuserphonenumber is billed per success: a user needs a number now and then, not 10 an hour.
    perUserPhone: rateWindow('perUserPhone', 10, HOUR)
  }

  let localCache: LocalCacheOptions | false = false
  if (options.localCache !== false) {
    const given = options.localCache ?? {}
    if (typeof given !== 'object' || given === null) fail('localCache must be false or { maxEntries, maxBytes, ttl }')
    localCache = {
      maxEntries: positive('localCache.maxEntries', given.maxEntries, 100_000),
      maxBytes: positive('localCache.maxBytes', given.maxBytes, 64 * 1024 * 1024),
      // A backstop only: invalidations and the failure replay keep entries correct.
      ttl: positive('localCache.ttl', given.ttl, 10 * 60 * SECOND)
    }
    // Entries are addressed with 32 bits (store/session-log.ts).
    if (localCache.maxBytes > 4 * 1024 ** 3) fail('localCache.maxBytes must be at most 4 GiB')
  }

  return {
    appId: apps[0]!.appId,
    appSecret: apps[0]!.appSecret,
    apps,
    linkByUnionId: options.linkByUnionId ?? false,
    sessionKeyEncryptionKey: options.sessionKeyEncryptionKey === undefined ? null : parseEncryptionKey(options.sessionKeyEncryptionKey),
    apiBase,
    prefix: text('prefix', options.prefix, '/auth/wechat', /^(\/[\w.~-]+)*$/),
    tokenTtl,
    idleTtl,
    lastSeenInterval,
    autoRegister: options.autoRegister ?? true,
    maxSessionsPerUser,
    maxSessionsPerPlatform,
    sessionPolicy,
    maxLifetime: Math.max(maxLifetime, tokenTtl),
    refreshGrace: positive('refreshGrace', options.refreshGrace, 30 * SECOND),
    endedRetention: positive('endedRetention', options.endedRetention, 7 * DAY),
    tablePrefix: text('tablePrefix', options.tablePrefix, 'wx_', TABLE_PREFIX_PATTERN),
    redisPrefix: text('redisPrefix', options.redisPrefix, 'wx-login:', /^[\w:.-]{0,64}$/),
    decoratorName: text('decoratorName', options.decoratorName, 'user', /^[A-Za-z_$][\w$]*$/),
    migrate: options.migrate ?? true,
    tokenHeader: text('tokenHeader', options.tokenHeader, 'authorization', /^[A-Za-z0-9-]+$/).toLowerCase(),
    tokenScheme: text('tokenScheme', options.tokenScheme, 'Bearer', /^[A-Za-z0-9-]*$/),
    wechatTimeout: positive('wechatTimeout', options.wechatTimeout, 5 * SECOND),
    wechatRetries,
    redisTimeout: positive('redisTimeout', options.redisTimeout, 250),
    localCache,
    rateLimit,
    mysql,
    redis,
    stores,
    now: options.now ?? Date.now,
    findUser: hook('findUser', options.findUser),
    createUser: hook('createUser', options.createUser),
    onLogin: hook('onLogin', options.onLogin),
    onPhoneNumber: hook('onPhoneNumber', options.onPhoneNumber)
  }
}
