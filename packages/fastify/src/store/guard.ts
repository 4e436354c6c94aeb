import type { FastifyBaseLogger } from 'fastify'
import { errors } from '../errors.js'

export type StoreGuard = <T>(operation: Promise<T>) => Promise<T>

/**
 * Turns a failure of the session/user store (MySQL down, pool exhausted)
 * into a 503 the client can retry, logging the cause without any values.
 */
export function storeGuard (log: FastifyBaseLogger): StoreGuard {
  return async function guarded (operation) {
    try {
      return await operation
    } catch (err) {
      const { code, message } = err as { code?: string, message?: string }
      log.error({ err: { code, message } }, 'wx-login: store failed')
      throw new errors.StoreUnavailable()
    }
  }
}
