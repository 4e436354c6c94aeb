/**
 * Token hash -> address, as open addressing with linear probing over one
 * Uint32Array: no object and no key string per entry, which is what keeps a
 * million cached sessions small. The keys live with the entries; the index
 * asks `keyMatches(address, hash)` and `homeOf(address)` for them. An entry's
 * home slot is the first 32 bits of its hash (SHA-256 output, so uniform;
 * only live sessions are indexed, so nobody can choose colliding keys).
 */
export class HashIndex {
  private slots = new Uint32Array(INITIAL_SLOTS) // address + 1; 0 is empty
  private count = 0

  constructor (
    private readonly keyMatches: (address: number, tokenHash: string) => boolean,
    private readonly homeOf: (address: number) => number
  ) {}

  get size (): number { return this.count }

  /** The address of the hash's entry, or -1. */
  find (tokenHash: string): number {
    const slot = this.slotOf(tokenHash)
    return slot < 0 ? -1 : this.slots[slot]! - 1
  }

  /** Indexes a hash that is not indexed yet. */
  insert (tokenHash: string, address: number): void {
    if (2 * (this.count + 1) > this.slots.length) this.grow()
    this.place(homeOfHash(tokenHash), address)
    this.count++
  }

  remove (tokenHash: string): void {
    const slot = this.slotOf(tokenHash)
    if (slot >= 0) this.vacate(slot)
  }

  /** Unindexes an entry known by its address (its key is read back through `homeOf`). */
  removeAddress (address: number): void {
    const mask = this.slots.length - 1
    for (let slot = this.homeOf(address) & mask; this.slots[slot] !== 0; slot = (slot + 1) & mask) {
      if (this.slots[slot] === address + 1) return this.vacate(slot)
    }
  }

  clear (): void {
    this.slots = new Uint32Array(INITIAL_SLOTS)
    this.count = 0
  }

  private slotOf (tokenHash: string): number {
    const mask = this.slots.length - 1
    for (let slot = homeOfHash(tokenHash) & mask; ; slot = (slot + 1) & mask) {
      const stored = this.slots[slot]!
      if (stored === 0) return -1
      if (this.keyMatches(stored - 1, tokenHash)) return slot
    }
  }

  private place (home: number, address: number): void {
    const mask = this.slots.length - 1
    let slot = home & mask
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask
    this.slots[slot] = address + 1
  }

  /** Backward-shift deletion: later entries of the probe run move up, so no tombstones pile up. */
  private vacate (slot: number): void {
    const mask = this.slots.length - 1
    let hole = slot
    for (let next = (hole + 1) & mask; this.slots[next] !== 0; next = (next + 1) & mask) {
      const home = this.homeOf(this.slots[next]! - 1) & mask
      // An entry may move into the hole unless its home lies after the hole, up to where it sits.
      const staysPut = hole <= next ? hole < home && home <= next : hole < home || home <= next
      if (staysPut) continue
      this.slots[hole] = this.slots[next]!
      hole = next
    }
    this.slots[hole] = 0
    this.count--
  }

  private grow (): void {
    const old = this.slots
    this.slots = new Uint32Array(old.length * 2)
    for (const stored of old) if (stored !== 0) this.place(this.homeOf(stored - 1), stored - 1)
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
