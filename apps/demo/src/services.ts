import { displayUrl } from './config.js'
import { ensureDatabase } from './database.js'
import { createRedisClient, describeRedis, type RedisTopology } from './redis-topology.js'

/** What a probe found: the service answered, or why not. */
export type ProbeResult = { ok: true } | { ok: false, reason: string }

function reasonOf (err: unknown): string {
  const { code, message } = err as { code?: string, message?: string }
  return code ?? message ?? String(err)
}

/** Connects to MySQL/MariaDB and creates the demo's database when missing. */
export async function probeMysql (mysqlUrl: string, timeoutMs: number): Promise<ProbeResult> {
  try {
    await ensureDatabase(mysqlUrl, { connectTimeout: timeoutMs })
    return { ok: true }
  } catch (err) {
    return { ok: false, reason: reasonOf(err) }
  }
}

/** Sends one PING (to a URL's server, a cluster, or the primary Sentinel names), giving up after `timeoutMs`. */
export async function probeRedis (target: string | RedisTopology, timeoutMs: number): Promise<ProbeResult> {
  const topology: RedisTopology = typeof target === 'string' ? { kind: 'single', url: target } : target
  const redis = createRedisClient(topology, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null
  })
  // ioredis rejects connect() with a vague "Connection is closed."; the error event says why.
  let cause: unknown
  redis.on('error', (err) => { cause ??= err })
  let timer: NodeJS.Timeout | undefined
  // connectTimeout only covers TCP: a server that accepts and never answers needs a deadline of its own.
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })), timeoutMs)
  })
  try {
    await Promise.race([redis.connect().then(() => redis.ping()), deadline])
    return { ok: true }
  } catch (err) {
    return { ok: false, reason: reasonOf(cause ?? err) }
  } finally {
    clearTimeout(timer)
    redis.disconnect()
  }
}

/** Where the demo keeps users and sessions; `redis`, when set, is a cluster or Sentinel group used instead of `redisUrl`. */
export type Backend =
  | { kind: 'services', mysqlUrl: string, redisUrl: string, redis?: RedisTopology }
  | { kind: 'memory', problems: string[] }

export const START_MARIADB = 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd'
export const START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no'

/**
 * MySQL and Redis when both answer; otherwise the in-memory stores, with
 * what is missing and how to start it. Only the demo makes this choice: the
 * plugin itself never falls back on its own.
 */
export function chooseBackend (urls: { mysqlUrl: string, redisUrl: string, redis?: RedisTopology }, mysql: ProbeResult, redis: ProbeResult): Backend {
  if (mysql.ok && redis.ok) return { kind: 'services', ...urls }
  const problems: string[] = []
  if (!mysql.ok) {
    problems.push(`MySQL/MariaDB is not reachable at ${displayUrl(urls.mysqlUrl)} (${mysql.reason}).\n` +
      `    Start it:   ${START_MARIADB}\n` +
      '    Install it: apt-get install -y mariadb-server   (or set MYSQL_URL)')
  }
  if (!redis.ok) {
    problems.push(`Redis is not reachable at ${describeRedis(urls.redis ?? { kind: 'single', url: urls.redisUrl }, displayUrl)} (${redis.reason}).\n` +
      `    Start it:   ${START_REDIS}\n` +
      '    Install it: apt-get install -y redis-server   (or set REDIS_URL)')
  }
  return { kind: 'memory', problems }
}

/** Probes both services at once (each within `timeoutMs`) and picks the backend. */
export async function detectBackend (urls: { mysqlUrl: string, redisUrl: string, redis?: RedisTopology }, timeoutMs = 1500): Promise<Backend> {
  const [mysql, redis] = await Promise.all([probeMysql(urls.mysqlUrl, timeoutMs), probeRedis(urls.redis ?? urls.redisUrl, timeoutMs)])
  return chooseBackend(urls, mysql, redis)
}
