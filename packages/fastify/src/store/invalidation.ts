import type { FastifyBaseLogger } from 'fastify'
import { TimeoutError, withTimeout } from './with-timeout.js'

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

/** Heartbeats a ping may stay unanswered before the wait is worth a warning. */
export const WARN_AFTER_HEARTBEATS = 5

/**
 * Listens for revocations made by any instance. While the channel is not
 * known to be live (connecting, dropped, or the heartbeat ping unanswered
 * past its deadline), `live` is false and the local cache must not be used.
 *
 * A late ping is not a lost channel. Redis answers a PING on the same
 * connection, after every message published before it, so when the answer
 * arrives every revocation up to then has been applied: the copies are
 * current and the cache is used again without a flush. Only a connection
 * that closes may have lost messages; then every copy goes. This keeps a
 * busy process's stall (a PING read after its deadline) from flushing a warm
 * cache, and bounds a silent subscriber the same: bypassed within two
 * heartbeats.
 */
export class InvalidationListener {
  private connected = false
  /** A ping is past its deadline: the copies may be behind until it is answered. */
  private late = false
  /** When the unanswered ping was sent (monotonic ms); undefined when none is in flight. */
  private pingSentAt: number | undefined
  /** This wait was already warned about. */
  private lateWarned = false
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

  get live (): boolean { return this.connected && !this.late }

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
    if (this.pingSentAt !== undefined) return this.unanswered(performance.now() - this.pingSentAt)
    const sentAt = this.pingSentAt = performance.now()
    const reply = this.subscriber.ping()
    try {
      await withTimeout(reply, this.options.heartbeat, 'Redis').catch(async (err: unknown) => {
        if (!(err instanceof TimeoutError)) throw err
        if (this.pingSentAt === sentAt) this.fallBehind()
        await reply
      })
    } catch (err) {
      return this.lost((err as Error).message)
    }
    // Superseded: the connection was lost (and the copies flushed) meanwhile.
    if (this.pingSentAt !== sentAt) return
    this.pingSentAt = undefined
    if (this.late) {
      this.late = false
      this.lateWarned = false
      this.options.log.info({ ms: Math.round(performance.now() - sentAt) }, 'wx-login: invalidation heartbeat answered late; local cache in use again')
    }
    if (!this.connected) await this.subscribe()
  }

  /** The ping is past its deadline: stop using the copies until it is answered. */
  private fallBehind (): void {
    if (!this.connected || this.late) return
    this.late = true
    this.options.log.info('wx-login: invalidation heartbeat late; local cache bypassed until it answers')
  }

  /**
   * The ping sent `ms` ago is still unanswered at a later heartbeat. Its answer
   * still proves the line, so the wait goes on; a connection that really died
   * ends in 'close', which flushes.
   */
  private unanswered (ms: number): void {
    if (ms < this.options.heartbeat * WARN_AFTER_HEARTBEATS || this.lateWarned) return
    this.lateWarned = true
    this.options.log.warn({ ms: Math.round(ms) }, 'wx-login: invalidation heartbeat unanswered; local cache bypassed until Redis answers')
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
    this.late = false
    this.lateWarned = false
    this.pingSentAt = undefined
    if (!this.connected) return
    this.connected = false
    this.outageLogged = true
    this.options.log.warn({ reason }, 'wx-login: session invalidation channel lost; local cache flushed')
  }
}
