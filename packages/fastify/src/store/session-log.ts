import type { WxUser } from '../types.js'
import { hexValue } from './hash-index.js'

/** What a local copy holds: what a request needs, and no more. */
export interface LocalSession {
  tokenHash: string
  sessionId: string
  user: WxUser
  expiresAt: number
  lastSeenAt: number
}

/**
 * Cached sessions as bytes appended to a log of fixed-size segments, oldest
 * first: a million sessions are a few hundred buffers, not millions of
 * objects for the garbage collector to walk. Entries are evicted in the
 * order they were written (the head of the oldest segment moves on); an
 * entry dropped earlier (revoked, expired, replaced) is marked dead and its
 * bytes come back when the head passes it. An address is
 * segment << segmentBits | offset.
 *
 * Entry layout (little-endian):
 *   0 u32 length · 4 u8 live · 5 u8 session id length (0: 32 hex digits kept as 16 bytes)
 *   8 16 bytes: the token hash's first half (the key)
 *   24 f64 expiresAt · 32 f64 lastSeenAt · 40 f64 dropAt (the cache's backstop)
 *   48 session id · then the user as JSON, ASCII only (see asciiJson)
 */
export class SessionLog {
  /** A power of two, so an address splits with a shift and a mask. */
  private readonly segmentBits: number
  readonly segmentBytes: number
  private readonly segmentLimit: number
  private segments: Buffer[] = []
  private used: number[] = []
  private heads: number[] = []
  /** Segments in use, oldest first; the last one takes appends. */
  private order: number[] = []
  private free: number[] = []

  constructor (maxBytes: number) {
    const bytes = Math.min(maxBytes, MAX_ADDRESSABLE)
    this.segmentBits = Math.max(MIN_SEGMENT_BITS, Math.min(MAX_SEGMENT_BITS, Math.floor(Math.log2(bytes / 4))))
    this.segmentBytes = 2 ** this.segmentBits
    this.segmentLimit = Math.floor(bytes / this.segmentBytes)
  }

  /** Bytes held by entries not yet reclaimed, dead ones included; at most maxBytes. */
  get byteSize (): number {
    let bytes = 0
    for (const s of this.order) bytes += this.used[s]! - this.heads[s]!
    return bytes
  }

  /** The entry's size (userJson from asciiJson), or -1 when it cannot be kept (too large, or a hash that is not one). */
  static sizeOf (tokenHash: string, sessionId: string, userJson: string): number {
    if (!HASH.test(tokenHash)) return -1
    const idBytes = HEX_ID.test(sessionId) ? 16 : Buffer.byteLength(sessionId)
    if (idBytes > 255) return -1
    return HEADER + idBytes + userJson.length
  }

  /**
   * Appends an entry of `size` bytes (from `sizeOf`). When every segment
   * is taken, the oldest one is emptied first: `evicted` hears each of its
   * live entries. Returns the address, or -1 when it is larger than a segment.
   */
  append (size: number, session: LocalSession, userJson: string, dropAt: number, evicted: (address: number) => void): number {
    if (size > this.segmentBytes || this.segmentLimit === 0) return -1
    let segment = this.order.at(-1)
    if (segment === undefined || this.used[segment]! + size > this.segmentBytes) segment = this.open(evicted)
    const offset = this.used[segment]!
    this.used[segment] = offset + size
    write(this.segments[segment]!, offset, size, session, userJson, dropAt)
    return segment * this.segmentBytes + offset
  }

  /**
   * Moves the head past the oldest entry and returns its address if it was
   * live (the caller unindexes it), -1 if it was dead, or undefined when
   * the log is empty.
   */
  shift (): number | undefined {
    for (;;) {
      const segment = this.order[0]
      if (segment === undefined) return undefined
      const head = this.heads[segment]!
      if (head >= this.used[segment]!) {
        if (this.order.length === 1) return undefined
        this.order.shift()
        this.free.push(segment)
        continue
      }
      const buffer = this.segments[segment]!
      this.heads[segment] = head + buffer.readUInt32LE(head)
      return buffer[head + 4] === 1 ? segment * this.segmentBytes + head : -1
    }
  }

  kill (address: number): void {
    this.bufferOf(address)[this.offsetOf(address) + 4] = 0
  }

  keyMatches (address: number, tokenHash: string): boolean {
    const buffer = this.bufferOf(address)
    const offset = this.offsetOf(address)
    for (let i = 0; i < 16; i++) {
      const byte = (hexValue(tokenHash.charCodeAt(2 * i)) << 4) | hexValue(tokenHash.charCodeAt(2 * i + 1))
      if (buffer[offset + 8 + i] !== byte) return false
    }
    return true
  }

  homeOf (address: number): number {
    const buffer = this.bufferOf(address)
    const offset = this.offsetOf(address)
    return buffer.readUInt32BE(offset + 8)
  }

  dropAt (address: number): number {
    const buffer = this.bufferOf(address)
    const offset = this.offsetOf(address)
    return buffer.readDoubleLE(offset + 40)
  }

  setLastSeen (address: number, at: number): void {
    const buffer = this.bufferOf(address)
    const offset = this.offsetOf(address)
    buffer.writeDoubleLE(at, offset + 32)
  }

  read (address: number, tokenHash: string): LocalSession {
    const buffer = this.bufferOf(address)
    const offset = this.offsetOf(address)
    const idLength = buffer[offset + 5]!
    const userStart = offset + HEADER + (idLength === 0 ? 16 : idLength)
    return {
      tokenHash,
      sessionId: idLength === 0 ? buffer.toString('hex', offset + HEADER, userStart) : buffer.toString('utf8', offset + HEADER, userStart),
      user: JSON.parse(buffer.toString('latin1', userStart, offset + buffer.readUInt32LE(offset))) as WxUser,
      expiresAt: buffer.readDoubleLE(offset + 24),
      lastSeenAt: buffer.readDoubleLE(offset + 32)
    }
  }

  clear (): void {
    this.segments = []
    this.used = []
    this.heads = []
    this.order = []
    this.free = []
  }

  /** A segment to append to: a free or new one, else the oldest, emptied. */
  private open (evicted: (address: number) => void): number {
    if (this.free.length === 0 && this.segments.length < this.segmentLimit) {
      this.segments.push(Buffer.allocUnsafeSlow(this.segmentBytes))
      this.used.push(0)
      this.heads.push(0)
      this.free.push(this.segments.length - 1)
    }
    if (this.free.length === 0) {
      const oldest = this.order.shift()!
      const buffer = this.segments[oldest]!
      for (let offset = this.heads[oldest]!; offset < this.used[oldest]!; offset += buffer.readUInt32LE(offset)) {
        if (buffer[offset + 4] === 1) evicted(oldest * this.segmentBytes + offset)
      }
      this.free.push(oldest)
    }
    const segment = this.free.pop()!
    this.used[segment] = 0
    this.heads[segment] = 0
    this.order.push(segment)
    return segment
  }

  private bufferOf (address: number): Buffer {
    return this.segments[address >>> this.segmentBits]!
  }

  private offsetOf (address: number): number {
    return address & (this.segmentBytes - 1)
  }
}

const HEADER = 48
// Addresses are kept in a Uint32Array (hash-index.ts).
const MAX_ADDRESSABLE = 2 ** 32 - 2
const MIN_SEGMENT_BITS = 8 // 256 B
const MAX_SEGMENT_BITS = 20 // 1 MiB
const HASH = /^[0-9a-f]{64}$/
const HEX_ID = /^[0-9a-f]{32}$/

function write (buffer: Buffer, offset: number, size: number, session: LocalSession, userJson: string, dropAt: number): void {
  buffer.writeUInt32LE(size, offset)
  buffer[offset + 4] = 1
  buffer.write(session.tokenHash, offset + 8, 16, 'hex')
  buffer.writeDoubleLE(session.expiresAt, offset + 24)
  buffer.writeDoubleLE(session.lastSeenAt, offset + 32)
  buffer.writeDoubleLE(dropAt, offset + 40)
  const hexId = HEX_ID.test(session.sessionId)
  buffer[offset + 5] = hexId ? 0 : Buffer.byteLength(session.sessionId)
  const userStart = offset + HEADER + (hexId ? buffer.write(session.sessionId, offset + HEADER, 16, 'hex') : buffer.write(session.sessionId, offset + HEADER, 'utf8'))
  buffer.write(userJson, userStart, 'latin1')
}

/**
 * The user as JSON with every non-ASCII character escaped (\uXXXX), so a
 * request decodes it with a one-byte copy: in the bench's server a UTF-8
 * decode of the entry cost a sixth of the plugin's time a request. A
 * nickname's CJK character takes 6 bytes instead of 3.
 */
export function asciiJson (user: unknown): string {
  return JSON.stringify(user).replace(NON_ASCII, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

const NON_ASCII = /[\u0080-\uffff]/g
