import type { SessionRecord } from '../types.js'

export interface LocalCacheOptions {
  /** Most sessions kept. */
  maxEntries: number
  /** Most bytes of user data kept (approximate: JSON length). */
  maxBytes: number
  /** A backstop: an entry is dropped this long after it was cached, ms. */
  ttl: number
}

interface LocalEntry {
  record: SessionRecord
  bytes: number
  /** Drop after this time (ms, the plugin's clock). */
  until: number
}

// Roughly what an entry costs besides the user JSON: token, hash, maps.
const ENTRY_OVERHEAD_BYTES = 400
// Recent invalidations remembered per hash; older ones make every older ticket stale.
const REMEMBERED_INVALIDATIONS = 10_000

/**
 * The hot path: token -> session in this process, so a warm request costs a
 * Map lookup, no hashing and no round trip. Keyed by the raw token (kept in
 * memory only, never stored), with a hash -> token index for invalidations,
 * which arrive as hashes. Bounded by entries and bytes; oldest out first.
 *
 * A copy read elsewhere (Redis, MySQL) may be older than an invalidation
 * heard while it was being read: `ticket()` is taken before the read, and
 * `set` refuses the copy when its session was invalidated, or the whole
 * cache cleared, after the ticket.
 */
export class LocalSessionCache {
  private readonly byToken = new Map<string, LocalEntry>()
  private readonly tokenByHash = new Map<string, string>()
  private bytes = 0
  /** Counts invalidations and clears. */
  private invalidations = 0
  private readonly invalidatedAt = new Map<string, number>()
  /** Tickets at or below this are stale (a clear, or forgotten invalidations). */
  private staleUpTo = 0

  constructor (private readonly options: LocalCacheOptions) {}

  get size (): number { return this.byToken.size }
  get byteSize (): number { return this.bytes }

  get (token: string, now: number): SessionRecord | undefined {
    const entry = this.byToken.get(token)
    if (entry === undefined) return undefined
    if (entry.until <= now) {
      this.remove(token, entry)
      return undefined
    }
    return entry.record
  }

  /** Take before reading a session from elsewhere; pass to `set`. */
  ticket (): number {
    return this.invalidations
  }

  set (token: string, record: SessionRecord, now: number, ticket: number): void {
    if (ticket < this.staleUpTo || (this.invalidatedAt.get(record.tokenHash) ?? -1) > ticket) return
    const previous = this.byToken.get(token)
    if (previous !== undefined) this.remove(token, previous)
    const bytes = ENTRY_OVERHEAD_BYTES + JSON.stringify(record.user).length
    if (bytes > this.options.maxBytes) return
    this.byToken.set(token, { record, bytes, until: now + this.options.ttl })
    this.tokenByHash.set(record.tokenHash, token)
    this.bytes += bytes
    while (this.byToken.size > this.options.maxEntries || this.bytes > this.options.maxBytes) {
      const oldest = this.byToken.entries().next().value
      if (oldest === undefined) break
      this.remove(oldest[0], oldest[1])
    }
  }

  invalidate (tokenHashes: Iterable<string>): void {
    const at = ++this.invalidations
    for (const hash of tokenHashes) {
      this.invalidatedAt.delete(hash)
      this.invalidatedAt.set(hash, at)
      const token = this.tokenByHash.get(hash)
      if (token === undefined) continue
      const entry = this.byToken.get(token)
      if (entry !== undefined) this.remove(token, entry)
    }
    for (const [hash, n] of this.invalidatedAt) {
      if (this.invalidatedAt.size <= REMEMBERED_INVALIDATIONS) break
      this.invalidatedAt.delete(hash)
      this.staleUpTo = n
    }
  }

  /** Drops every entry; copies being read now are refused too. */
  clear (): void {
    this.byToken.clear()
    this.tokenByHash.clear()
    this.bytes = 0
    this.invalidatedAt.clear()
    this.staleUpTo = ++this.invalidations
  }

  private remove (token: string, entry: LocalEntry): void {
    this.byToken.delete(token)
    this.tokenByHash.delete(entry.record.tokenHash)
    this.bytes -= entry.bytes
  }
}
