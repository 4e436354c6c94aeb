/**
 * Token hash -> address, as open addressing with linear probing over one
 * Uint32Array: no object and no key string per entry, which is what keeps a
 * million cached sessions small. A slot is two words: the entry's address
 * (+ 1; 0 is empty) and its home, the first 32 bits of its hash (SHA-256
 * output, so uniform; only live sessions are indexed, so nobody can choose
 * colliding keys). The keys live with the entries; keeping the home beside
 * the address lets a probe pass other entries, and growing or deleting move
 * them, without reading their bytes (at a million sessions, each such read
 * is a likely cache miss somewhere in a hundred MB; growing to 2M slots read
 * half a million of them in one pause).
 */
export class HashIndex {
  private slots = new Uint32Array(2 * INITIAL_SLOTS)
  private count = 0

  constructor (
    private readonly keyMatches: (address: number, tokenHash: string) => boolean,
    /** The home of an entry known by its address only (eviction). */
    private readonly homeOf: (address: number) => number
  ) {}

  get size (): number { return this.count }

  /** The address of the hash's entry, or -1. */
  find (tokenHash: string): number {
    const slot = this.slotOf(tokenHash)
    return slot < 0 ? -1 : this.slots[2 * slot]! - 1
  }

  /** Indexes a hash that is not indexed yet. */
  insert (tokenHash: string, address: number): void {
    if (2 * (this.count + 1) > this.capacity) this.grow()
    this.place(homeOfHash(tokenHash), address)
    this.count++
  }

  remove (tokenHash: string): void {
    const slot = this.slotOf(tokenHash)
    if (slot >= 0) this.vacate(slot)
  }

  /** Unindexes an entry known by its address. */
  removeAddress (address: number): void {
    const mask = this.capacity - 1
    for (let slot = this.homeOf(address) & mask; this.slots[2 * slot] !== 0; slot = (slot + 1) & mask) {
      if (this.slots[2 * slot] === address + 1) return this.vacate(slot)
    }
  }

  clear (): void {
    this.slots = new Uint32Array(2 * INITIAL_SLOTS)
    this.count = 0
  }

  private get capacity (): number { return this.slots.length >>> 1 }

  private slotOf (tokenHash: string): number {
    const mask = this.capacity - 1
    const home = homeOfHash(tokenHash)
    for (let slot = home & mask; ; slot = (slot + 1) & mask) {
      const stored = this.slots[2 * slot]!
      if (stored === 0) return -1
      // The entry's bytes are read only when its home matches all 32 bits.
      if (this.slots[2 * slot + 1] === home && this.keyMatches(stored - 1, tokenHash)) return slot
    }
  }

  private place (home: number, address: number): void {
    const mask = this.capacity - 1
    let slot = home & mask
    while (this.slots[2 * slot] !== 0) slot = (slot + 1) & mask
    this.slots[2 * slot] = address + 1
    this.slots[2 * slot + 1] = home
  }

  /** Backward-shift deletion: later entries of the probe run move up, so no tombstones pile up. */
  private vacate (slot: number): void {
    const mask = this.capacity - 1
    let hole = slot
    for (let next = (hole + 1) & mask; this.slots[2 * next] !== 0; next = (next + 1) & mask) {
      const home = this.slots[2 * next + 1]! & mask
      // An entry may move into the hole unless its home lies after the hole, up to where it sits.
      const staysPut = hole <= next ? hole < home && home <= next : hole < home || home <= next
      if (staysPut) continue
      this.slots[2 * hole] = this.slots[2 * next]!
      this.slots[2 * hole + 1] = this.slots[2 * next + 1]!
      hole = next
    }
    this.slots[2 * hole] = 0
    this.count--
  }

  private grow (): void {
    const old = this.slots
    this.slots = new Uint32Array(old.length * 2)
    for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.place(old[i + 1]!, old[i]! - 1)
  }
}

const INITIAL_SLOTS = 16

/** The first 32 bits of a hex hash, as the index's home slot. */
export function homeOfHash (tokenHash: string): number {
  let home = 0
  for (let i = 0; i < 8; i++) home = ((home << 4) | hexValue(tokenHash.charCodeAt(i))) >>> 0
  return home
}

/** 0-15 for a lowercase hex digit (token hashes are lowercase hex). */
export function hexValue (code: number): number {
  return code <= 57 ? code - 48 : code - 87
}
