// A server under benchmark, in its own process so the load generator does
// not share its event loop. Configured by environment; prints its URL.
import fastifyJwt from '@fastify/jwt'
import fastifyMysql from '@fastify/mysql'
import fastifyRedis from '@fastify/redis'
import wxLogin from '@wx-login/fastify'
import Fastify from 'fastify'
import { createRedisClient, readRedisTopology } from '../redis-topology.js'
import { decoratorName } from '../wx-login-types.js'

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is required`)
  return value
}

const app = Fastify()
await app.register(fastifyMysql, { promise: true, connectionString: env('BENCH_MYSQL_URL') })
// BENCH_REDIS_URL, or the cluster / Sentinel group named by REDIS_CLUSTER_NODES or REDIS_SENTINELS + REDIS_SENTINEL_NAME.
await app.register(fastifyRedis, { client: createRedisClient(readRedisTopology(process.env, env('BENCH_REDIS_URL'))), closeClient: true })
await app.register(fastifyJwt, { secret: 'bench-only-jwt-secret-of-reasonable-length' })
await app.register(wxLogin, {
  appId: env('BENCH_APPID'),
  appSecret: env('BENCH_SECRET'),
  apiBase: env('BENCH_API_BASE'),
  redisPrefix: env('BENCH_REDIS_PREFIX'),
  localCache: process.env.BENCH_LOCAL_CACHE === 'off' ? false : {},
  // Thousands of logins from one loopback IP measure the login path, not the limiter.
  rateLimit: false,
  // request.user is @fastify/jwt's.
  decoratorName
})

const ok = { ok: true }
app.get('/public', async () => ok)
app.get('/protected', { onRequest: app.wxLogin.authenticate }, async () => ok)
app.get('/jwt', { onRequest: async request => { await request.jwtVerify() } }, async () => ok)
app.get('/bench/jwt', async () => ({ token: app.jwt.sign({ sub: 1 }) }))

// Fills the server with live sessions (issued, then checked once so the local
// cache holds them) and reports the process's memory before and after.
app.post<{ Querystring: { n: string } }>('/bench/fill', async request => {
  const n = Number(request.query.n)
  global.gc?.()
  const before = process.memoryUsage()
  const tokens: string[] = []
  for (let i = 0; i < n; i += 200) {
    const batch = await Promise.all(Array.from({ length: Math.min(200, n - i) }, (_, j) =>
      app.wxLogin.issueToken({ id: i + j + 1, appId: 'bench', openid: `o-bench-${i + j}`, unionid: null })))
    for (const { token } of batch) tokens.push(token)
    await Promise.all(batch.map(({ token }) => app.wxLogin.verify(token)))
  }
  global.gc?.()
  const after = process.memoryUsage()
  return { n: tokens.length, rssBefore: before.rss, rssAfter: after.rss, heapBefore: before.heapUsed, heapAfter: after.heapUsed }
})

const url = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${url}\n`)
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
