import type { RedisSubscriber } from './invalidation.js'

/** The slice of an ioredis client the plugin uses (`app.redis` fits). */
export interface RedisClient {
  readonly status: string
  get (key: string): Promise<string | null>
  set (key: string, value: string, mode: 'PX', ttlMs: number, condition?: 'NX'): Promise<unknown>
  del (...keys: string[]): Promise<number>
  eval (script: string, numberOfKeys: number, ...args: Array<string | number>): Promise<unknown>
  publish (channel: string, message: string): Promise<number>
  /** A second connection for subscribing (ioredis' `duplicate()`). */
  duplicate (): RedisSubscriber
}
