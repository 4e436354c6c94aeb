// The in-process cache on its own: bounds, tickets, and a model check that
// its bytes-and-index representation answers exactly like a Map would.
import fc from 'fast-check'
import t from 'tap'
import { HashIndex, homeOfHash } from '../src/store/hash-index.js'
import { LocalSessionCache } from '../src/store/local-cache.js'
import { asciiJson } from '../src/store/session-log.js'
import { hashToken } from '../src/token.js'
import type { SessionRecord } from '../src/types.js'

const hashOf = (i: number | string) => hashToken(`token-${i}`)
const record = (i: number, size = 10, sessionId = hashOf(`s${i}`).slice(0, 32)): SessionRecord => ({
  tokenHash: hashOf(i), sessionId, userId: String(i), user: { id: i, appId: 'a', openid: 'x'.repeat(size), unionid: null }, createdAt: 0, expiresAt: 1e15, lastSeenAt: 0
})

t.test('bounded by entries and bytes, oldest out first', async t => {
  const byCount = new LocalSessionCache({ maxEntries: 3, maxBytes: 1e9, ttl: 1000 })
  for (let i = 0; i < 5; i++) byCount.set(record(i), 0, 0)
  t.equal(byCount.size, 3)
  t.equal(byCount.get(hashOf(0), 0), undefined, 'the oldest went first')
  t.equal(byCount.get(hashOf(1), 0), undefined)
  t.equal(byCount.get(hashOf(4), 0)?.user.id, 4)
  t.equal(byCount.get(hashOf(4), 1000), undefined, 'the backstop TTL applies')
  t.equal(byCount.size, 2, 'and frees the entry')

  const byBytes = new LocalSessionCache({ maxEntries: 1000, maxBytes: 3000, ttl: 1000 })
  for (let i = 0; i < 10; i++) byBytes.set(record(i, 300), 0, 0)
  t.ok(byBytes.byteSize <= 3000, `bytes stay bounded (${byBytes.byteSize})`)
  t.ok(byBytes.size < 10 && byBytes.size > 0, `some went (${byBytes.size} kept)`)
  t.equal(byBytes.get(hashOf(9), 0)?.user.openid, 'x'.repeat(300), 'the newest stays')
  byBytes.set(record(99, 5000), 0, 0)
  t.equal(byBytes.get(hashOf(99), 0), undefined, 'an entry larger than the bound is not kept')
  byBytes.invalidate([hashOf(9)])
  t.equal(byBytes.get(hashOf(9), 0), undefined, 'invalidated by hash')
  byBytes.clear()
  t.equal(byBytes.size, 0)
  t.equal(byBytes.byteSize, 0)

  const tiny = new LocalSessionCache({ maxEntries: 10, maxBytes: 100, ttl: 1000 })
  tiny.set(record(1), 0, 0)
  t.equal(tiny.size, 0, 'a bound below one segment keeps nothing, and does not fail')
})

t.test('what comes back is what went in', async t => {
  const cache = new LocalSessionCache({ maxEntries: 10, maxBytes: 1e6, ttl: 1000 })
  const odd = { ...record(1), sessionId: 'custom-store-id/日本', user: { id: 'u1', appId: 'wx1', openid: 'o', unionid: 'un', nickname: '微信用户 ✓' } as never, expiresAt: 1234.5, lastSeenAt: 99 }
  cache.set(odd, 0, 0)
  t.same(cache.get(odd.tokenHash, 0), { tokenHash: odd.tokenHash, sessionId: odd.sessionId, user: odd.user, expiresAt: 1234.5, lastSeenAt: 99 }, 'any session id and any user JSON')
  cache.seen(odd.tokenHash, 500)
  t.equal(cache.get(odd.tokenHash, 0)?.lastSeenAt, 500, 'a use is written into the entry')
  const a = cache.get(odd.tokenHash, 0)!
  a.user.id = 'changed'
  t.equal(cache.get(odd.tokenHash, 0)?.user.id, 'u1', 'a caller changing its copy changes nothing cached')
  cache.set({ ...record(2), tokenHash: 'not-a-hash' }, 0, 0)
  t.equal(cache.size, 1, 'a key that is not a SHA-256 hex digest is not kept')
})

t.test('any user comes back as it went in, kept as ASCII JSON', async t => {
  // Every character, surrogate halves included: asciiJson escapes each UTF-16 unit above 0x7f.
  const text = fc.string({ unit: 'binary' })
  const user = fc.record({ id: fc.oneof(fc.integer(), text), appId: text, openid: text, unionid: fc.option(text), nickname: text, extra: fc.jsonValue() })
  fc.assert(fc.property(user, u => {
    const json = asciiJson(u)
    if ([...json].some(c => c.charCodeAt(0) > 0x7f)) return false
    const cache = new LocalSessionCache({ maxEntries: 10, maxBytes: 1e6, ttl: 1000 })
    const r = { ...record(1), user: u as never }
    cache.set(r, 0, 0)
    const back = cache.get(r.tokenHash, 0)?.user
    t.same(back, JSON.parse(JSON.stringify(u)))
    return back !== undefined
  }), { numRuns: 300 })
  t.equal(asciiJson({ nickname: '微信 😀' }), '{"nickname":"\\u5fae\\u4fe1 \\ud83d\\ude00"}', 'a CJK character or an emoji is escaped, unit by unit')
})

t.test('tickets: a copy read before an invalidation or a clear is refused', async t => {
  const fresh = new LocalSessionCache({ maxEntries: 10, maxBytes: 1e9, ttl: 1000 })
  const before = fresh.ticket()
  fresh.invalidate([hashOf(1)])
  fresh.set(record(1), 0, before)
  t.equal(fresh.get(hashOf(1), 0), undefined, 'a copy read before its invalidation was heard is refused')
  fresh.set(record(2), 0, before)
  t.equal(fresh.get(hashOf(2), 0)?.user.id, 2, 'other sessions are not affected')
  fresh.set(record(1), 0, fresh.ticket())
  t.equal(fresh.get(hashOf(1), 0)?.user.id, 1, 'a copy read after it is kept')
  const beforeClear = fresh.ticket()
  fresh.clear()
  fresh.set(record(3), 0, beforeClear)
  t.equal(fresh.get(hashOf(3), 0), undefined, 'a copy read before a clear is refused')

  const forgetful = new LocalSessionCache({ maxEntries: 10, maxBytes: 1e9, ttl: 1000 })
  const old = forgetful.ticket()
  for (let i = 0; i < 10_001; i++) forgetful.invalidate([`other${i}`])
  forgetful.set(record(4), 0, old)
  t.equal(forgetful.get(hashOf(4), 0), undefined, 'past the invalidations it remembers, older tickets are refused')
})

/**
 * Invariant: whatever the sequence of sets, invalidations, uses, clears and
 * evictions, a get answers either nothing or exactly the last copy set for
 * that hash (never a dropped one, never another session's), and the bounds
 * hold. With room to spare, nothing set is lost.
 */
t.test('model: answers like a Map, within its bounds', async t => {
  type Op = { kind: 'set', key: number, size: number } | { kind: 'get' | 'invalidate', key: number } | { kind: 'seen', key: number, at: number } | { kind: 'clear' }
  const key = fc.integer({ min: 0, max: 40 })
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), key, size: fc.integer({ min: 0, max: 150 }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('get' as const, 'invalidate' as const), key }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('seen' as const), key, at: fc.integer({ min: 1, max: 1e6 }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) })
  // Half the runs have room for every key, so a lost entry shows; half evict.
  const bounds = fc.oneof(
    fc.constant({ maxEntries: 1000, maxBytes: 1e6 }),
    fc.record({ maxEntries: fc.integer({ min: 1, max: 60 }), maxBytes: fc.constantFrom(1200, 3000, 10_000, 1e6) }))
  let checks = 0
  fc.assert(fc.property(bounds, fc.array(op, { minLength: 20, maxLength: 300 }), ({ maxEntries, maxBytes }, ops) => {
    const cache = new LocalSessionCache({ maxEntries, maxBytes, ttl: 1e12 })
    const roomy = maxEntries === 1000
    const model = new Map<number, SessionRecord>()
    for (const o of ops) {
      if (o.kind === 'set') {
        const r = record(o.key, o.size)
        cache.set(r, 0, cache.ticket())
        model.set(o.key, r)
      } else if (o.kind === 'invalidate') {
        cache.invalidate([hashOf(o.key)])
        model.delete(o.key)
      } else if (o.kind === 'seen') {
        cache.seen(hashOf(o.key), o.at)
        const r = model.get(o.key)
        if (r !== undefined && cache.get(hashOf(o.key), 0) !== undefined) model.set(o.key, { ...r, lastSeenAt: o.at })
      } else if (o.kind === 'clear') {
        cache.clear()
        model.clear()
      }
      if (cache.size > maxEntries || cache.byteSize > maxBytes) return false
      for (let k = 0; k <= 40; k++) {
        const got = cache.get(hashOf(k), 0)
        const want = model.get(k)
        checks++
        if (got === undefined) {
          if (roomy && want !== undefined) return false
          continue
        }
        if (want === undefined || got.user.openid !== want.user.openid || got.user.id !== k || got.sessionId !== want.sessionId || got.lastSeenAt !== want.lastSeenAt) return false
      }
    }
    return true
  }), { numRuns: 300 })
  t.ok(checks > 10_000, `${checks} lookups checked against the model`)
})

t.test('the index reads an entry\'s bytes only for the entry asked for', async t => {
  // At a million sessions each read of another entry is a cache miss: probes,
  // growth and deletion work from the homes the index keeps itself.
  const keys = new Map<number, string>()
  let keyReads = 0
  let homeReads = 0
  const index = new HashIndex(
    (address, hash) => { keyReads++; return keys.get(address) === hash },
    address => { homeReads++; return homeOfHash(keys.get(address)!) })
  for (let i = 0; i < 5000; i++) {
    keys.set(i, hashOf(`index-${i}`))
    index.insert(keys.get(i)!, i)
  }
  t.equal(homeReads, 0, 'growing the index read no entry')
  keyReads = 0
  const found = (from: number, step: number): number[] => {
    const wrong: number[] = []
    for (let i = from; i < 5000; i += step) if (index.find(keys.get(i)!) !== i) wrong.push(i)
    return wrong
  }
  t.same(found(0, 1), [], 'every entry is found')
  t.equal(keyReads, 5000, 'each find read exactly the entry it found')
  keyReads = 0
  let foundAbsent = 0
  for (let i = 0; i < 5000; i++) if (index.find(hashOf(`absent-${i}`)) !== -1) foundAbsent++
  t.equal(foundAbsent, 0, 'no absent hash is found')
  t.equal(keyReads, 0, 'a miss read no entry')
  for (let i = 0; i < 5000; i += 2) index.remove(keys.get(i)!)
  t.equal(homeReads, 0, 'deleting moved entries without reading them')
  index.removeAddress(1)
  t.equal(homeReads, 1, 'an eviction reads the home of the entry it evicts')
  t.equal(index.size, 2499)
  t.same(found(3, 2), [], 'the rest is still found')
})
