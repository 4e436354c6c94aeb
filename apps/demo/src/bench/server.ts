// A server under benchmark, in its own process so the load generator does
// not share its event loop. Configured by environment; prints its URL.
// It serves the demo's own routes (/api/ping, /api/me), three anchors that
// answer the same question with other means, and bench-only control routes.
import fastifyCookie, { Signer } from '@fastify/cookie'
import fastifyJwt from '@fastify/jwt'
import fastifyMysql from '@fastify/mysql'
import fastifyRedis from '@fastify/redis'
import fastifySession from '@fastify/session'
import wxLogin, { type WxUser } from '@wx-login/fastify'
import Fastify, { type FastifyPluginAsync } from 'fastify'
import type { Redis } from 'ioredis'
import { randomBytes } from 'node:crypto'
import { Session as Inspector } from 'node:inspector/promises'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { apiRoutes } from '../api-routes.js'
import { benchUser, ioredisSessionStore, SESSION_COOKIE_MAX_AGE } from './anchors.js'
import { watchLocalCache } from './local-cache-probe.js'
import { createRedisClient, readRedisTopology } from '../redis-topology.js'
import { decoratorName } from '../wx-login-types.js'

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is required`)
  return value
}

const PREFIX = env('BENCH_REDIS_PREFIX')
const JWT_SECRET = 'bench-only-jwt-secret-of-reasonable-length'
const SESSION_SECRET = 'bench-only-session-secret-at-least-32-chars'
// issueToken calls in flight while sessions are created: enough to keep the MySQL pool and Redis busy.
const ISSUE_CONCURRENCY = 200

/**
 * The plugin's defaults (100,000 sessions, 64 MiB) up to 100k sessions;
 * above, room for every session; off for the memory probe's baseline.
 */
function localCacheFor (sessions: number): { maxEntries: number, maxBytes: number } | false | undefined {
  if (process.env.BENCH_LOCAL_CACHE === 'off') return false
  if (sessions <= 100_000) return undefined
  return { maxEntries: sessions, maxBytes: sessions * 256 }
}

const localCache = await watchLocalCache()
const app = Fastify()
await app.register(fastifyMysql, { promise: true, connectionString: env('BENCH_MYSQL_URL') })
// BENCH_REDIS_URL, or the cluster / Sentinel group named by REDIS_CLUSTER_NODES or REDIS_SENTINELS + REDIS_SENTINEL_NAME.
const redisClient = createRedisClient(readRedisTopology(process.env, env('BENCH_REDIS_URL')))
// A connection dropped while the bench stops the server is not worth a stack trace; anything else is said once.
let redisErrorSaid = false
redisClient.on('error', (err: Error) => {
  if (!redisErrorSaid) console.error(`bench server: Redis ${err.message}`)
  redisErrorSaid = true
})
await app.register(fastifyRedis, { client: redisClient, closeClient: true })
await app.register(fastifyJwt, { secret: JWT_SECRET })
await app.register(wxLogin, {
  appId: env('BENCH_APPID'),
  appSecret: env('BENCH_SECRET'),
  apiBase: env('BENCH_API_BASE'),
  redisPrefix: PREFIX,
  idleTtl: Number(env('BENCH_IDLE_TTL_MS')),
  lastSeenInterval: Number(env('BENCH_LAST_SEEN_INTERVAL_MS')),
  // Thousands of logins from one loopback IP measure the login path, not the limiter.
  rateLimit: false,
  // request.user is @fastify/jwt's.
  decoratorName,
  // What an app serving this many sessions would set: room for all of them (about 200 B each).
  localCache: localCacheFor(Number(env('BENCH_SESSIONS')))
})
await app.register(apiRoutes)

const redis = app.redis as unknown as Redis
const anchorKey = (token: string): string => `${PREFIX}anchor:${token}`

// Anchor 1: the least a shared session store costs, one Redis GET per request.
app.get('/anchor/redis-get', async (request, reply) => {
  const token = (request.headers.authorization ?? '').slice('Bearer '.length)
  const raw = await redis.get(anchorKey(token))
  if (raw === null) return await reply.code(401).send()
  return JSON.parse(raw) as WxUser
})

// Anchor 2: a stateless token, @fastify/jwt verify.
app.get('/anchor/jwt', { onRequest: async request => { await request.jwtVerify() } }, async request => request.user)

// Anchor 3: @fastify/session over Redis, in its own scope so its hooks run on its route only.
const sessionStore = ioredisSessionStore(redis, `${PREFIX}sess:`)
const sessionAnchor: FastifyPluginAsync = async scope => {
  await scope.register(fastifyCookie)
  await scope.register(fastifySession, {
    secret: SESSION_SECRET,
    store: sessionStore,
    cookie: { secure: false, maxAge: SESSION_COOKIE_MAX_AGE },
    saveUninitialized: false,
    rolling: false
  })
  scope.get('/anchor/session', async (request, reply) => {
    const user = (request.session as unknown as { user?: WxUser }).user
    if (user === undefined) return await reply.code(401).send()
    return user
  })
}
await app.register(sessionAnchor)

// Bench-only: creates the sessions of users [from, from + count) for the plugin
// (through its API) and every anchor, and writes one credential per line to
// plugin.txt, jwt.txt and session.txt in `dir`, line k for the same user in each.
app.post<{ Body: { from: number, count: number, dir: string } }>('/bench/sessions', async request => {
  const { from, count, dir } = request.body
  const signer = new Signer(SESSION_SECRET, 'sha256')
  const plugin = new Array<string>(count)
  const jwt = new Array<string>(count)
  const cookies = new Array<string>(count)
  const started = performance.now()
  for (let i = 0; i < count; i += ISSUE_CONCURRENCY) {
    const size = Math.min(ISSUE_CONCURRENCY, count - i)
    const users = Array.from({ length: size }, (_, j) => benchUser(from + i + j))
    const issued = await Promise.all(users.map(user => app.wxLogin.issueToken(user)))
    // One command per key: a cluster refuses a pipeline whose keys span slots.
    const writes: Array<Promise<unknown>> = []
    const expires = new Date(Date.now() + SESSION_COOKIE_MAX_AGE).toISOString()
    users.forEach((user, j) => {
      const token = issued[j]!.token
      const sessionId = randomBytes(18).toString('base64url')
      plugin[i + j] = token
      jwt[i + j] = app.jwt.sign({ ...user })
      cookies[i + j] = signer.sign(sessionId)
      writes.push(redis.set(anchorKey(token), JSON.stringify(user), 'PX', SESSION_COOKIE_MAX_AGE))
      writes.push(redis.set(`${PREFIX}sess:${sessionId}`, JSON.stringify({
        cookie: { originalMaxAge: SESSION_COOKIE_MAX_AGE, expires, secure: false, httpOnly: true, path: '/' },
        user
      }), 'PX', SESSION_COOKIE_MAX_AGE))
    })
    await Promise.all(writes)
  }
  writeFileSync(join(dir, `plugin-${from}.txt`), plugin.join('\n') + '\n')
  writeFileSync(join(dir, `jwt-${from}.txt`), jwt.join('\n') + '\n')
  writeFileSync(join(dir, `session-${from}.txt`), cookies.join('\n') + '\n')
  return { count, ms: performance.now() - started }
})

const memory = (): { rss: number, heapUsed: number, arrayBuffers: number, localCacheSize: number } => {
  global.gc?.()
  const { rss, heapUsed, arrayBuffers } = process.memoryUsage()
  return { rss, heapUsed, arrayBuffers, localCacheSize: localCache.size() }
}

/**
 * verify()s the first `count` tokens of `file`, ISSUE_CONCURRENCY at a time,
 * in file order or shuffled, and spread evenly over `spreadMs` (0: at once);
 * each is a fresh string, as one read from a header would be. Strings are
 * made a batch at a time: a million of them at once would grow V8's heap by
 * a hundred MB that the RSS keeps, and blur what the cache itself costs.
 */
async function verifyTokens (file: string, count: number, options: { shuffle?: boolean, spreadMs?: number } = {}): Promise<void> {
  const bytes = readFileSync(file)
  const starts = new Uint32Array(count)
  for (let i = 0, at = 0; i < count; i++, at = bytes.indexOf(10, at) + 1) starts[i] = at
  if (options.shuffle === true) {
    for (let i = count - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1))
      const swap = starts[i]!
      starts[i] = starts[j]!
      starts[j] = swap
    }
  }
  const began = performance.now()
  for (let done = 0; done < count; done += ISSUE_CONCURRENCY) {
    const wait = began + (options.spreadMs ?? 0) * done / count - performance.now()
    if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
    const batch = Array.from(starts.subarray(done, done + ISSUE_CONCURRENCY), at => bytes.toString('latin1', at, bytes.indexOf(10, at)))
    await Promise.all(batch.map(token => app.wxLogin.verify(token)))
  }
}

// Bench-only: uses each of the first `count` tokens of `file` once, in a random
// order, spread evenly over `ms`. Sessions all created in one setup fall due
// for their last-seen write together, and stay in step: one burst of writes
// per interval. A population that logged in at different times has its writes
// spread over the interval; one sweep over an interval gives it that.
app.post<{ Body: { file: string, count: number, ms: number } }>('/bench/sweep', async request => {
  const began = performance.now()
  await verifyTokens(request.body.file, request.body.count, { shuffle: true, spreadMs: request.body.ms })
  return { ms: performance.now() - began }
})

// Bench-only: puts tokens into the plugin's local cache the way requests do,
// and reports memory around it. The file's bytes are gone again at the
// second reading, so the difference is what the cache keeps.
// `measure: false` for the servers under load: memory() forces a full GC, and
// the servers should start as they run, not after pauses no request causes.
app.post<{ Body: { file: string, count: number, measure?: boolean } }>('/bench/fill', async request => {
  const measure = request.body.measure !== false
  const before = measure ? memory() : undefined
  await verifyTokens(request.body.file, request.body.count)
  return { before, after: measure ? memory() : undefined }
})

app.get('/bench/stats', async () => memory())

// Bench-only: CPU µs this process has used, user and system.
app.get('/bench/cpu', async () => {
  const { user, system } = process.cpuUsage()
  return { us: user + system }
})

// Bench-only: V8's CPU profiler (as `node --cpu-prof`) around chosen runs.
const inspector = new Inspector()
inspector.connect()
app.post('/bench/profile/start', async () => {
  await inspector.post('Profiler.enable')
  await inspector.post('Profiler.start')
  return {}
})
app.post<{ Body: { file: string } }>('/bench/profile/stop', async request => {
  const { profile } = await inspector.post('Profiler.stop')
  writeFileSync(request.body.file, JSON.stringify(profile))
  return {}
})

const url = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${url}\n`)
// The bench stops servers right after the login load: @fastify/redis's QUIT can
// meet the last logins' commands on a closing connection and reject. Stopping is
// all that is asked here, so that ends the process too, not as a crash.
process.on('SIGTERM', () => { void app.close().catch(() => {}).finally(() => process.exit(0)) })
