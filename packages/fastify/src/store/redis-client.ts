import type { RedisSubscriber } from './invalidation.js'

/** A pipeline: its commands go to one node, the one serving the keys in it. */
export interface RedisPipeline {
  exists (key: string): RedisPipeline
  call (command: string, ...args: Array<string | number>): RedisPipeline
  exec (): Promise<Array<[Error | null, unknown]> | null>
}

/** One node of a cluster, as the cluster client holds it. */
export interface RedisClusterNode {
  readonly status: string
  duplicate (overrides?: Record<string, unknown>): RedisSubscriber
}

/**
 * The slice of an ioredis client the plugin uses: `app.redis` fits when it
 * is a `Redis` (one server, or a primary found through Sentinel) or a
 * `Cluster`.
 */
export interface RedisClient {
  readonly status: string
  /** Set on an ioredis Cluster. */
  readonly isCluster?: boolean
  get (key: string): Promise<string | null>
  set (key: string, value: string, mode: 'PX', ttlMs: number, condition?: 'NX'): Promise<unknown>
  del (...keys: string[]): Promise<number>
  eval (script: string, numberOfKeys: number, ...args: Array<string | number>): Promise<unknown>
  publish (channel: string, message: string): Promise<number>
  pipeline (): RedisPipeline
  on (event: string, listener: (...args: unknown[]) => void): unknown
  /** A second connection for subscribing (ioredis' `duplicate()`); used on one server or Sentinel. */
  duplicate (): RedisSubscriber
  /** A cluster's node connections (ioredis' `Cluster#nodes()`). */
  nodes? (role?: 'all' | 'master' | 'slave'): RedisClusterNode[]
}
