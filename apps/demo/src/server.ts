import fastifyMysql from '@fastify/mysql'
import fastifyRedis from '@fastify/redis'
import wxLogin, { memoryStores } from '@wx-login/fastify'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { apiRoutes } from './api-routes.js'
import { ensureDatabase } from './database.js'
import { playgroundRoutes } from './playground-routes.js'
import { createRedisClient } from './redis-topology.js'
import type { SessionLimits } from './config.js'
import type { Backend } from './services.js'
import { decoratorName } from './wx-login-types.js'

export interface DemoServerOptions {
  appId: string
  appSecret: string
  /** WeChat's API origin, or the mock's URL. Default: real WeChat. */
  apiBase?: string
  /** MySQL + Redis, or the in-memory stores (chosen explicitly, see services.ts). */
  backend: Backend
  /** The WeChat mock the playground mints codes from; null or absent when running against real WeChat. */
  mockUrl?: string | null
  /** Prefix of the plugin's Redis keys (tests use their own). */
  redisPrefix?: string
  logger?: FastifyServerOptions['logger']
  /** maxSessionsPerUser and sessionPolicy for the plugin (MAX_SESSIONS_PER_USER, SESSION_POLICY); default: the plugin's. */
  sessions?: SessionLimits
}

/** Redis errors go to the server's log (ioredis prints them as unhandled otherwise). */
function logRedisErrors (client: { on (event: 'error', listener: (err: Error) => void): unknown }, app: FastifyInstance): void {
  client.on('error', err => { app.log.warn({ err: { message: err.message } }, 'demo: Redis error') })
}

/**
 * The demo server: the login plugin under /auth/wechat, /api/ping, /api/me and
 * the playground. Creates the MySQL database when missing. Not listening yet.
 */
export async function buildDemoServer (options: DemoServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false })
  const { backend } = options
  if (backend.kind === 'services') {
    // The plugin creates its tables; the database they go in is the demo's to create.
    await ensureDatabase(backend.mysqlUrl)
    await app.register(fastifyMysql, { promise: true, connectionString: backend.mysqlUrl })
    await app.register(fastifyRedis, backend.redis === undefined
      ? { url: backend.redisUrl }
      : { client: createRedisClient(backend.redis), closeClient: true })
    // @fastify/redis drops its error listener once connected.
    logRedisErrors(app.redis, app)
  }
  await app.register(wxLogin, {
    appId: options.appId,
    appSecret: options.appSecret,
    decoratorName,
    ...(options.apiBase === undefined ? {} : { apiBase: options.apiBase }),
    ...(options.redisPrefix === undefined ? {} : { redisPrefix: options.redisPrefix }),
    ...(backend.kind === 'memory' ? { stores: memoryStores() } : {}),
    ...options.sessions
  })
  await app.register(apiRoutes)
  await app.register(playgroundRoutes, { mockUrl: options.mockUrl ?? null, appId: options.appId })
  return app
}
