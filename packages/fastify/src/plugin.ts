import type { FastifyInstance } from 'fastify'
import type { WxLoginApi } from './api.js'
import { tokenReader } from './auth-header.js'
import { createAuthenticators, SESSION } from './authenticate.js'
import { createBans } from './bans.js'
import { systemClock } from './clock.js'
import { errors } from './errors.js'
import { createLogin } from './login.js'
import { resolveOptions, type WxLoginOptions } from './options.js'
import { loginRoutes } from './routes/index.js'
import { startReplay } from './replay.js'
import { createSessionManager } from './sessions.js'
import { storeGuard } from './store/guard.js'
import { LocalSessionCache } from './store/local-cache.js'
import { migrate } from './store/migrate.js'
import type { SqlClient } from './store/mysql-client.js'
import { redisFaults, type RedisFaults } from './redis/faults.js'
import { mysqlBanStore } from './store/mysql-bans.js'
import { mysqlSessionKeyStore } from './store/mysql-session-keys.js'
import { mysqlSessionStore } from './store/mysql-sessions.js'
import { mysqlUserStore } from './store/mysql-users.js'
import type { RedisClient } from './store/redis-client.js'
import { redisSessionCache } from './store/redis-cache.js'
import { tableNames } from './store/sql.js'
import type { WxLoginStores } from './store/types.js'
import type { AccessTokenRedis } from './wechat/access-token.js'
import { createWechatHttp } from './wechat/http.js'
import { sharedCodeExchange, type CodeExchangeRedis } from './wechat/shared-code-exchange.js'
import type { CounterRedis } from './rate-limit/store.js'
import { createWechatServices } from './wechat-services.js'

// After a Redis failure, every Redis user skips it this long.
const REDIS_COOLDOWN_MS = 1000

type Decorated = FastifyInstance & { mysql?: SqlClient, redis?: RedisClient }

/** The pool of the `mysql` option, or @fastify/mysql's `app.mysql`. */
function mysqlOf (app: Decorated, options: ReturnType<typeof resolveOptions>): SqlClient | undefined {
  if (options.mysql !== undefined) return options.mysql
  return typeof app.mysql?.execute === 'function' ? app.mysql : undefined
}

/** The client of the `redis` option (a client, or a @fastify/redis namespace), or `app.redis`. */
function redisOf (app: Decorated, options: ReturnType<typeof resolveOptions>): RedisClient | undefined {
  const option = options.redis
  if (option !== undefined && !('namespace' in option)) return option
  const client: Partial<RedisClient> | undefined = option === undefined
    ? app.redis
    : (app.redis as unknown as Record<string, RedisClient> | undefined)?.[option.namespace]
  if (typeof client?.get === 'function') return client as RedisClient
  if (option !== undefined) {
    throw new Error(`@wx-login/fastify: redis: { namespace: '${option.namespace}' } names no client: register @fastify/redis with { namespace: '${option.namespace}' } before this plugin`)
  }
  return undefined
}

async function defaultStores (app: Decorated, options: ReturnType<typeof resolveOptions>, mysql: SqlClient | undefined, redis: RedisClient | undefined, faults: RedisFaults): Promise<WxLoginStores> {
  if (mysql === undefined) {
    throw new Error('@wx-login/fastify: register @fastify/mysql with { promise: true } before this plugin, or pass `mysql` (a mysql2 promise pool) or `stores`')
  }
  if (redis === undefined) {
    throw new Error('@wx-login/fastify: register @fastify/redis before this plugin, or pass `redis` (an ioredis client or { namespace }) or `stores`')
  }
  const tables = tableNames(options.tablePrefix)
  if (options.migrate) {
    const report = await migrate(mysql, { tablePrefix: options.tablePrefix })
    if (report.applied.length > 0) app.log.info({ plugin: 'wx-login', from: report.from, to: report.to }, 'schema migrated')
  }
  return {
    users: mysqlUserStore(mysql, tables, options.now, { linkByUnionId: options.linkByUnionId }),
    sessions: mysqlSessionStore(mysql, tables),
    bans: mysqlBanStore(mysql, tables),
    sessionKeys: mysqlSessionKeyStore(mysql, tables),
    cache: redisSessionCache(redis, { prefix: options.redisPrefix, faults, log: app.log, replicaAckTimeout: Math.ceil(options.redisTimeout / 2) })
  }
}

/** Which plugin most likely holds a request decorator: the two that claim `user`. */
function likelyOwner (app: FastifyInstance): string {
  if (app.hasRequestDecorator('jwtVerify')) return 'by @fastify/jwt'
  if (app.hasRequestDecorator('isAuthenticated')) return 'by @fastify/passport'
  return 'by another plugin (@fastify/jwt and @fastify/passport use request.user)'
}

/**
 * Two plugins writing one request property would hand a route the wrong
 * user, so a taken name fails the boot instead of being shared.
 */
function claimUserDecorator (app: FastifyInstance, name: string): void {
  if (app.hasRequestDecorator(name)) {
    throw new Error(`@wx-login/fastify: request.${name} is already decorated, most likely ${likelyOwner(app)}, registered before this plugin. ` +
      `Set this plugin's decoratorName option to a name of its own (e.g. decoratorName: 'wxUser', declared in WxLoginTypes)`)
  }
  app.decorateRequest(name, null)
}

// What a client says when its server, or a cluster node, went away or the
// topology changed: the data behind it may now be a replica's.
const FAILURE_EVENTS = ['close', 'node error', '-node', '+node']

function watchRedis (redis: RedisClient, faults: RedisFaults): void {
  for (const event of FAILURE_EVENTS) redis.on(event, () => { faults.noteFailure() })
}

export async function wxLoginPlugin (fastify: FastifyInstance, rawOptions: WxLoginOptions): Promise<void> {
  const options = resolveOptions(rawOptions)
  const app = fastify as Decorated
  claimUserDecorator(app, options.decoratorName)
  app.decorateRequest(SESSION, null)
  const clock = systemClock(options.now)
  const mysql = mysqlOf(app, options)
  const redis = redisOf(app, options)
  // One fault policy for every use of the shared Redis: a failure anywhere benches it everywhere.
  const faults = redisFaults({ ready: () => redis?.status === 'ready', timeout: options.redisTimeout, cooldown: REDIS_COOLDOWN_MS, now: clock.now })
  const stores = options.stores ?? await defaultStores(app, options, mysql, redis, faults)
  if (options.stores === undefined) watchRedis(redis!, faults)
  const log = app.log.child({ plugin: 'wx-login' })
  const store = storeGuard(log)

  const localCache = options.localCache !== false && stores.cache?.listen !== undefined
    ? new LocalSessionCache(options.localCache)
    : undefined
  const channel = localCache === undefined
    ? undefined
    : stores.cache!.listen!({
      onInvalidate: hashes => sessions.forgetLocal(hashes),
      onReset: () => localCache.clear()
    })
  const sessions = createSessionManager({
    stores,
    clock,
    tokenTtl: options.tokenTtl,
    idleTtl: options.idleTtl,
    lastSeenInterval: options.lastSeenInterval,
    maxLifetime: options.maxLifetime,
    refreshGrace: options.refreshGrace,
    endedRetention: options.endedRetention,
    policy: { maxSessionsPerUser: options.maxSessionsPerUser, maxSessionsPerPlatform: options.maxSessionsPerPlatform, sessionPolicy: options.sessionPolicy },
    log,
    store,
    localCache,
    localCacheLive: () => channel?.live === true
  })
  const http = createWechatHttp({ apiBase: options.apiBase, timeout: options.wechatTimeout })
  const wechat = createWechatServices({
    apps: options.apps,
    http,
    redis: redis === undefined ? null : redis as unknown as AccessTokenRedis,
    redisFaults: faults,
    redisPrefix: options.redisPrefix,
    wechatTimeout: options.wechatTimeout,
    wechatRetries: options.wechatRetries,
    sessionKeyEncryptionKey: options.sessionKeyEncryptionKey,
    stores,
    builtInUsers: options.findUser === undefined,
    onPhoneNumber: options.onPhoneNumber,
    guard: store,
    now: clock.now,
    log
  })
  const readToken = tokenReader(options.tokenHeader, options.tokenScheme)
  const sharedRedis = options.stores === undefined ? redis! : null
  const code2Session = sharedCodeExchange({
    exchange: wechat.code2Session,
    redis: sharedRedis as unknown as CodeExchangeRedis | null,
    faults,
    prefix: options.redisPrefix,
    // Each attempt may spend a timeout on connect, headers and body.
    exchangeTimeout: (options.wechatRetries + 1) * 3 * options.wechatTimeout + 1000,
    now: clock.now,
    log
  })

  const bans = createBans(stores.bans, sessions, store, clock.now)
  const api: WxLoginApi = {
    ...createAuthenticators(sessions, readToken, options.decoratorName),
    verify: token => sessions.verify(token),
    revoke: token => sessions.revoke(token),
    revokeAll: userId => sessions.revokeAll(userId),
    ban: (userId, banOptions) => bans.ban(userId, banOptions),
    unban: userId => bans.unban(userId),
    listSessions: userId => sessions.list(userId),
    revokeSession: (sessionId, userId) => sessions.revokeSession(sessionId, userId),
    async issueToken (user) {
      if (typeof user === 'object') return await sessions.issue(user)
      const found = await store(stores.users.findById(user))
      if (found === null) throw new errors.NotBound()
      return await sessions.issue(found)
    },
    pruneSessions: () => sessions.prune(),
    ...wechat.api
  }
  const login = createLogin({
    resolveApp: wechat.resolveApp,
    autoRegister: options.autoRegister,
    code2Session,
    saveSessionKey: wechat.sessionKeys.enabled ? wechat.sessionKeys.save : undefined,
    users: stores.users,
    bans,
    store,
    findUser: options.findUser,
    createUser: options.createUser,
    onLogin: options.onLogin,
    now: options.now
  })

  app.decorate('wxLogin', api)
  await app.register(loginRoutes, {
    prefix: options.prefix,
    api,
    login,
    refresh: token => sessions.refresh(token),
    readToken,
    getPhoneNumber: wechat.api.getPhoneNumber,
    rateLimit: options.rateLimit,
    rateLimitRedis: sharedRedis as CounterRedis | null,
    redisPrefix: options.redisPrefix,
    redisFaults: faults,
    now: clock.now
  })

  // Pending revocations first: until then, copies in Redis are not trusted.
  await sessions.replayRevocations()
  const replay = startReplay(clock, log, [() => bans.finishPending(), () => sessions.replayRevocations()])

  // Close only what this plugin opened: the pool and client are the application's (or @fastify/mysql's and @fastify/redis's).
  app.addHook('onClose', async () => {
    replay.stop()
    await sessions.close()
    await channel?.close()
    await http.close()
  })
}
