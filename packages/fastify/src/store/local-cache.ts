import type { SessionRecord } from '../types.js'
import { HashIndex } from './hash-index.js'
import { SessionLog, asciiJson, type LocalSession } from './session-log.js'

export type { LocalSession } from './session-log.js'

export interface LocalCacheOptions {
  /** Most sessions kept. */
  maxEntries: number
  /** Most bytes the entries take (exact: they are kept as bytes, see session-log.ts); at most 4 GiB. */
  maxBytes: number
  /** A backstop: an entry is dropped this long after it was cached, ms. */
  ttl: number
}

// Recent invalidations remembered per hash; older ones make every older ticket stale.
const REMEMBERED_INVALIDATIONS = 10_000

/**
 * The hot path: token hash -> session in this process, so a warm request
 * costs a hash, an index probe and decoding one entry, and no round trip.
 * Entries are bytes in a log (session-log.ts) found through an index of
 * addresses (hash-index.ts), under 200 bytes a session; bounded by entries
 * and bytes, oldest out first.
 *
 * A copy read elsewhere (Redis, MySQL) may be older than an invalidation
 * heard while it was being read: `ticket()` is taken before the read, and
 * `set` refuses the copy when its session was invalidated, or the whole
 * cache cleared, after the ticket.
 */
export class LocalSessionCache {
  private readonly log: SessionLog
  private readonly index: HashIndex
  /** Counts invalidations and clears. */
  private invalidations = 0
  private readonly invalidatedAt = new Map<string, number>()
  /** Tickets at or below this are stale (a clear, or forgotten invalidations). */
  private staleUpTo = 0

  constructor (private readonly options: LocalCacheOptions) {
    this.log = new SessionLog(options.maxBytes)
    this.index = new HashIndex((address, hash) => this.log.keyMatches(address, hash), address => this.log.homeOf(address))
  }

  get size (): number { return this.index.size }
  get byteSize (): number { return this.log.byteSize }

  get (tokenHash: string, now: number): LocalSession | undefined {
    const address = this.index.find(tokenHash)
    if (address < 0) return undefined
    if (this.log.dropAt(address) <= now) {
      this.drop(tokenHash, address)
      return undefined
    }
    return this.log.read(address, tokenHash)
  }

  /** Records a use seen here, so the copy's idle deadline moves with it. */
  seen (tokenHash: string, at: number): void {
    const address = this.index.find(tokenHash)
    if (address >= 0) this.log.setLastSeen(address, at)
  }

  /** Take before reading a session from elsewhere; pass to `set`. */
  ticket (): number {
    return this.invalidations
  }

  set (record: SessionRecord, now: number, ticket: number): void {
    const { tokenHash } = record
    if (ticket < this.staleUpTo || (this.invalidatedAt.get(tokenHash) ?? -1) > ticket) return
    this.remove(tokenHash)
    const userJson = asciiJson(record.user)
    const size = SessionLog.sizeOf(tokenHash, record.sessionId, userJson)
    if (size < 0) return
    const address = this.log.append(size, record, userJson, now + this.options.ttl, evicted => this.index.removeAddress(evicted))
    if (address < 0) return
    this.index.insert(tokenHash, address)
    while (this.index.size > this.options.maxEntries) {
      const oldest = this.log.shift()
      if (oldest === undefined) break
      if (oldest >= 0) this.index.removeAddress(oldest)
    }
  }

  invalidate (tokenHashes: Iterable<string>): void {
    const at = ++this.invalidations
    for (const hash of tokenHashes) {
      this.invalidatedAt.delete(hash)
      this.invalidatedAt.set(hash, at)
      this.remove(hash)
    }
    for (const [hash, n] of this.invalidatedAt) {
      if (this.invalidatedAt.size <= REMEMBERED_INVALIDATIONS) break
      this.invalidatedAt.delete(hash)
      this.staleUpTo = n
    }
  }

  /** Drops every entry; copies being read now are refused too. */
  clear (): void {
    this.index.clear()
    this.log.clear()
    this.invalidatedAt.clear()
    this.staleUpTo = ++this.invalidations
  }

  private remove (tokenHash: string): void {
    const address = this.index.find(tokenHash)
    if (address >= 0) this.drop(tokenHash, address)
  }

  private drop (tokenHash: string, address: number): void {
    this.log.kill(address)
    this.index.remove(tokenHash)
  }
}
