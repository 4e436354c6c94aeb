import { DEMO_APP } from '@wx-login/wechat-mock'
import { readRedisTopology, type RedisTopology } from './redis-topology.js'

/** Everything the demo reads from the environment, with its defaults filled in. */
export interface DemoConfig {
  port: number
  host: string
  mysqlUrl: string
  redisUrl: string
  /** REDIS_URL's one server, or a cluster (REDIS_CLUSTER_NODES) or Sentinel group (REDIS_SENTINELS + REDIS_SENTINEL_NAME). */
  redis: RedisTopology
  logLevel: string
  /** The mini program's credentials; null when the demo should start the WeChat mock and use its demo app. */
  wechat: { appId: string, appSecret: string, apiBase: string | undefined } | null
  /** Port of the WeChat mock dev.ts starts when `wechat` is null. */
  mockPort: number
  /** How many sessions a user may hold, and what a login beyond that does; empty: the plugin's defaults. */
  sessions: SessionLimits
}

export interface SessionLimits {
  maxSessionsPerUser?: number
  sessionPolicy?: SessionPolicy
}

export const SESSION_POLICIES = ['evict-oldest', 'reject-new'] as const
export type SessionPolicy = typeof SESSION_POLICIES[number]

function sessionLimits (env: NodeJS.ProcessEnv): SessionLimits {
  const limits: SessionLimits = {}
  const max = env.MAX_SESSIONS_PER_USER
  if (max !== undefined && max !== '') {
    const value = Number(max)
    if (!Number.isInteger(value) || value < 0) throw new Error(`MAX_SESSIONS_PER_USER must be a whole number (0 = unlimited), got ${JSON.stringify(max)}`)
    limits.maxSessionsPerUser = value
  }
  const policy = env.SESSION_POLICY
  if (policy !== undefined && policy !== '') {
    if (!(SESSION_POLICIES as readonly string[]).includes(policy)) throw new Error(`SESSION_POLICY must be ${SESSION_POLICIES.join(' or ')}, got ${JSON.stringify(policy)}`)
    limits.sessionPolicy = policy as SessionPolicy
  }
  return limits
}

export const DEFAULT_MYSQL_URL = 'mysql://root@127.0.0.1:3306/wx_login_demo'
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

function port (env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number (0-65535), got ${JSON.stringify(raw)}`)
  return value
}

/** Reads PORT, HOST, MYSQL_URL, REDIS_URL (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS + REDIS_SENTINEL_NAME), WX_APPID, WX_SECRET, WECHAT_API_BASE, LOG_LEVEL, MOCK_PORT, MAX_SESSIONS_PER_USER and SESSION_POLICY. */
export function readConfig (env: NodeJS.ProcessEnv, defaults: { host: string, logLevel: string }): DemoConfig {
  const appId = env.WX_APPID ?? ''
  const appSecret = env.WX_SECRET ?? ''
  if (appId === '' && appSecret !== '') throw new Error('WX_SECRET is set but WX_APPID is not: set both, or neither to use the WeChat mock')
  if (appId !== '' && appSecret === '') throw new Error('WX_APPID is set but WX_SECRET is not: set both, or neither to use the WeChat mock')
  const redisUrl = env.REDIS_URL || DEFAULT_REDIS_URL
  return {
    port: port(env, 'PORT', 3000),
    host: env.HOST || defaults.host,
    mysqlUrl: env.MYSQL_URL || DEFAULT_MYSQL_URL,
    redisUrl,
    redis: readRedisTopology(env, redisUrl),
    logLevel: env.LOG_LEVEL || defaults.logLevel,
    wechat: appId === '' ? null : { appId, appSecret, apiBase: env.WECHAT_API_BASE || undefined },
    mockPort: port(env, 'MOCK_PORT', 3100),
    sessions: sessionLimits(env)
  }
}

/** The backend's `redis` field: set only for a cluster or Sentinel group (one server is `redisUrl`). */
export function topologyOf (config: DemoConfig): { redis?: RedisTopology } {
  return config.redis.kind === 'single' ? {} : { redis: config.redis }
}

/** The mock's demo app: what the demo logs into when no WX_APPID is given. */
export const MOCK_APP = { appId: DEMO_APP.appId, appSecret: DEMO_APP.appSecret }

/** A URL fit for a log line: its password masked. */
export function displayUrl (url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString().replace(/\/$/, '')
  } catch {
    return '(invalid URL)'
  }
}

/** The WeChat the server talks to and the mock the playground mints codes from. */
export interface WechatTarget {
  appId: string
  appSecret: string
  apiBase: string | undefined
  mockUrl: string | null
}

/**
 * For `start` (main.ts), which never starts a mock of its own: real WeChat with
 * WX_APPID/WX_SECRET, or a running mock named by WECHAT_API_BASE alone (then
 * the mock's demo app is used and the playground can mint codes from it).
 */
export function startTarget (config: DemoConfig, env: NodeJS.ProcessEnv): WechatTarget {
  if (config.wechat !== null) return { ...config.wechat, mockUrl: null }
  const mockUrl = env.WECHAT_API_BASE
  if (mockUrl === undefined || mockUrl === '') {
    throw new Error('Set WX_APPID and WX_SECRET (real WeChat), or WECHAT_API_BASE to a running WeChat mock (pnpm --filter @wx-login/demo exec wechat-mock --port 3100). For everything in one command: pnpm dev.')
  }
  return { ...MOCK_APP, apiBase: mockUrl, mockUrl: mockUrl.replace(/\/+$/, '') }
}
