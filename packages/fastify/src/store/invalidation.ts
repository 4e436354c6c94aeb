import type { FastifyBaseLogger } from 'fastify'
import { withTimeout } from './with-timeout.js'

/** The subscriber side of an ioredis client (`app.redis.duplicate()` fits). */
export interface RedisSubscriber {
  readonly status: string
  subscribe (channel: string): Promise<unknown>
  ping (): Promise<unknown>
  on (event: string, listener: (...args: unknown[]) => void): unknown
  quit (): Promise<unknown>
  disconnect (): void
}

export interface InvalidationOptions {
  channel: string
  log: FastifyBaseLogger
  /** How often the subscriber's connection is checked, ms. */
  heartbeat: number
  onInvalidate (tokenHashes: string[]): void
  /** The channel may have missed messages: every local copy must go. */
  onReset (): void
}

/**
 * Listens for revocations made by any instance. While the channel is not
 * known to be live (connecting, dropped, or Redis hung and the heartbeat
 * ping unanswered), `live` is false and the local cache must not be used.
 */
export class InvalidationListener {
  private connected = false
  /** This outage was already logged: ioredis emits an error on every reconnect attempt. */
  private outageLogged = false
  private timer: NodeJS.Timeout | undefined

  constructor (private readonly subscriber: RedisSubscriber, private readonly options: InvalidationOptions) {
    subscriber.on('message', (channel, message) => {
      if (channel === options.channel && typeof message === 'string') options.onInvalidate(message.split(','))
    })
    subscriber.on('ready', () => { void this.subscribe() })
    for (const event of ['close', 'end', 'reconnecting']) subscriber.on(event, () => this.lost(`subscriber ${event}`))
    subscriber.on('error', (err) => { this.failed(err as Error) })
    this.timer = setInterval(() => { void this.check() }, options.heartbeat)
    this.timer.unref()
    if (subscriber.status === 'ready') void this.subscribe()
  }

  get live (): boolean { return this.connected }

  async close (): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    this.connected = false
    try {
      await withTimeout(this.subscriber.quit(), 500, 'Redis')
    } catch {
      this.subscriber.disconnect()
    }
  }

  private async subscribe (): Promise<void> {
    try {
      await withTimeout(this.subscriber.subscribe(this.options.channel), this.options.heartbeat, 'Redis')
      if (!this.connected && this.timer !== undefined) this.options.log.info('wx-login: session invalidation channel live')
      this.connected = this.timer !== undefined
      this.outageLogged = false
    } catch (err) {
      this.lost((err as Error).message)
    }
  }

  private async check (): Promise<void> {
    if (this.subscriber.status !== 'ready') return this.lost('subscriber not ready')
    try {
      await withTimeout(this.subscriber.ping(), this.options.heartbeat, 'Redis')
      if (!this.connected) await this.subscribe()
    } catch (err) {
      this.lost((err as Error).message)
    }
  }

  /**
   * The subscriber's errors, one warning per outage: a live channel going down
   * is logged by `lost`; a channel not live yet (Redis down at boot) is logged
   * here. Only the message and code: an ioredis reply error also carries the
   * command's arguments, which for AUTH hold the password.
   */
  private failed (err: Error): void {
    if (!this.connected && !this.outageLogged) {
      this.outageLogged = true
      const { code } = err as { code?: unknown }
      this.options.log.warn({ reason: err.message, ...(typeof code === 'string' ? { code } : {}) },
        'wx-login: session invalidation subscriber cannot reach Redis; local cache off until it does')
    }
    this.lost(err.message)
  }

  private lost (reason: string): void {
    // Flush even when already down: entries may have been added since.
    this.options.onReset()
    if (!this.connected) return
    this.connected = false
    this.outageLogged = true
    this.options.log.warn({ reason }, 'wx-login: session invalidation channel lost; local cache flushed')
  }
}
