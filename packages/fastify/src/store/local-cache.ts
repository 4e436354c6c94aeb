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

/**
 * The hot path: token -> session in this process, so a warm request costs a
 * Map lookup, no hashing and no round trip. Keyed by the raw token (kept in
 * memory only, never stored), with a hash -> token index for invalidations,
 * which arrive as hashes. Bounded by entries and bytes; oldest out first.
 */
export class LocalSessionCache {
  private readonly byToken = new Map<string, LocalEntry>()
  private readonly tokenByHash = new Map<string, string>()
  private bytes = 0

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

  set (token: string, record: SessionRecord, now: number): void {
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
    for (const hash of tokenHashes) {
      const token = this.tokenByHash.get(hash)
      if (token === undefined) continue
      const entry = this.byToken.get(token)
      if (entry !== undefined) this.remove(token, entry)
    }
  }

  clear (): void {
    this.byToken.clear()
    this.tokenByHash.clear()
    this.bytes = 0
  }

  private remove (token: string, entry: LocalEntry): void {
    this.byToken.delete(token)
    this.tokenByHash.delete(entry.record.tokenHash)
    this.bytes -= entry.bytes
  }
}
