// The session invariants, checked across interleavings: several instances
// of the real session manager, local cache and bans over a model of MySQL
// and Redis (test/fixtures/store-model.ts), with every store command,
// pub/sub delivery, late heartbeat, timer, Redis outage and crash ordered
// by fast-check's scheduler. A failure prints the shrunk schedule.
//
// Invariants (README "Revocation guarantees"):
// 1. Once revoke / revokeAll / ban has answered, no request that starts
//    afterwards is accepted with that token on any instance. The bounds:
//    a local copy may answer until the instance hears the invalidation
//    (pub/sub delivery); while the revocation is still pending in the record
//    (Redis was unreachable), until the replay finishes it.
// 2. No login that starts after a ban answered gets a session.
// 3. Quiet (Redis reachable, timers run, messages delivered): no revocation
//    is pending, Redis holds no copy of a revoked session, no cache layer
//    answers with a revoked or expired session, every live session is still
//    accepted, and a banned user has no live session (a finished ban is
//    looked at for LATE_LOGIN_WINDOW_MS after it was saved).
// 4. A refreshed token's old value is refused once its grace period is over.
// 5. Quiet: a live session's record is last seen no more than two intervals
//    before any use a surviving instance accepted (README: the record lags a
//    use by at most twice lastSeenInterval).
import fc from 'fast-check'
import t from 'tap'
import { createBans, LATE_LOGIN_WINDOW_MS, type Bans } from '../src/bans.js'
import { startReplay } from '../src/replay.js'
import { createSessionManager, type SessionManager } from '../src/sessions.js'
import { LocalSessionCache } from '../src/store/local-cache.js'
import { hashToken } from '../src/token.js'
import type { WxUser } from '../src/types.js'
import {
  cachedInRedis, modelBanStore, modelClock, modelSessionCache, modelSessionStore, ModelWorld, type ModelCaller
} from './fixtures/store-model.js'

const TOKEN_TTL = 600_000
const IDLE_TTL = 100_000
const TOUCH_INTERVAL = 1_000
const LOCAL_TTL = 60_000
const REFRESH_GRACE = 30_000
const INSTANCES = 3
const USERS = 2

const silent = { warn () {}, error () {}, info () {}, debug () {}, trace () {}, fatal () {}, child () { return silent }, level: 'silent' } as never

interface Instance extends ModelCaller {
  sessions: SessionManager
  bans: Bans
  /** Runs the timers due so far (last-seen batch, replay). */
  fire: () => void
  crash: () => void
}

function startInstance (world: ModelWorld, name: string): Instance {
  const instance = { name, dead: false } as Instance
  const clock = modelClock(world)
  const cache = modelSessionCache(world, instance)
  const local = new LocalSessionCache({ maxEntries: 100, maxBytes: 1_000_000, ttl: LOCAL_TTL })
  const channel = cache.listen!({ onInvalidate: hashes => instance.sessions.forgetLocal(hashes), onReset: () => local.clear() })
  const guard = <T>(operation: Promise<T>): Promise<T> => operation
  instance.sessions = createSessionManager({
    stores: { users: null as never, sessions: modelSessionStore(world, instance), cache },
    clock,
    tokenTtl: TOKEN_TTL,
    idleTtl: IDLE_TTL,
    lastSeenInterval: TOUCH_INTERVAL,
    maxLifetime: TOKEN_TTL * 2,
    refreshGrace: REFRESH_GRACE,
    endedRetention: TOKEN_TTL,
    policy: { maxSessionsPerUser: 0, maxSessionsPerPlatform: 0, sessionPolicy: 'evict-oldest' },
    log: silent,
    store: guard,
    localCache: local,
    localCacheLive: () => channel.live
  })
  instance.bans = createBans(modelBanStore(world, instance), instance.sessions, guard, clock.now)
  const replay = startReplay(clock, silent, [() => instance.bans.finishPending(), () => instance.sessions.replayRevocations()])
  instance.fire = clock.fire
  instance.crash = () => {
    instance.dead = true
    replay.stop()
    void channel.close()
  }
  return instance
}

type Action =
  | { kind: 'login', on: number, user: number }
  | { kind: 'request', on: number, token: number }
  | { kind: 'revoke', on: number, token: number }
  | { kind: 'revokeAll', on: number, user: number }
  | { kind: 'ban', on: number, user: number }
  | { kind: 'refresh', on: number, token: number }
  | { kind: 'endSession', on: number, token: number }
  | { kind: 'timers', on: number }
  | { kind: 'heartbeat-late', on: number }
  | { kind: 'tick', ms: number }
  | { kind: 'restart', on: number }
  | { kind: 'redis', up: boolean }

const on = fc.nat({ max: INSTANCES - 1 })
const user = fc.nat({ max: USERS - 1 })
const token = fc.nat({ max: 5 })
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('login' as const), on, user }),
  { arbitrary: fc.record({ kind: fc.constant('request' as const), on, token }), weight: 3 },
  fc.record({ kind: fc.constant('revoke' as const), on, token }),
  fc.record({ kind: fc.constant('revokeAll' as const), on, user }),
  fc.record({ kind: fc.constant('ban' as const), on, user }),
  fc.record({ kind: fc.constant('refresh' as const), on, token }),
  fc.record({ kind: fc.constant('endSession' as const), on, token }),
  { arbitrary: fc.record({ kind: fc.constant('timers' as const), on }), weight: 2 },
  fc.record({ kind: fc.constant('tick' as const), ms: fc.constantFrom(10, TOUCH_INTERVAL, REFRESH_GRACE, LOCAL_TTL, IDLE_TTL) }),
  fc.record({ kind: fc.constant('restart' as const), on }),
  fc.record({ kind: fc.constant('heartbeat-late' as const), on }),
  fc.record({ kind: fc.constant('redis' as const), up: fc.boolean() })
)

const userOf = (n: number): WxUser => ({ id: n, appId: 'wx-app', openid: `o-${n}`, unionid: null })

/** Runs the seeded logins, then `prelude` one action after another, then `actions` all interleaved. */
async function explore (s: fc.Scheduler, seeded: Array<{ on: number, user: number }>, actions: Action[], prelude: Action[] = []): Promise<void> {
  const world = new ModelWorld(s)
  const instances = Array.from({ length: INSTANCES }, (_, i) => startInstance(world, `instance${i}`))
  const tokens: Array<{ token: string, user: number }> = []
  const revokedAt = new Map<string, number>()
  /** Refreshed tokens: the old value is refused from this model time on. */
  const graceEnds = new Map<string, number>()
  const bannedAt = new Map<number, number>()
  /** Per instance: token hash -> model clock when it last accepted a request with it. */
  const accepted = new Map<Instance, Map<string, number>>()
  const violations: string[] = []
  const held = (n: number): { token: string, user: number } | undefined => tokens[n % Math.max(1, tokens.length)]
  const answered = (hashes: Iterable<string>): void => {
    const at = world.seq++
    for (const hash of hashes) if (!revokedAt.has(hash)) revokedAt.set(hash, at)
  }

  // A revocation not yet heard here may still be answered from the local
  // copy, unless a heartbeat sent after it was answered (the answer follows
  // it on the connection); one still pending in the record (Redis was away)
  // until the replay.
  function withinBound (instance: Instance, hash: string): boolean {
    if (world.rows.get(hash)?.pending === true) return true
    for (const sub of world.subscribers) if (sub.caller === instance && sub.mayStillDeliver(hash)) return true
    return false
  }

  async function run (a: Action): Promise<void> {
    const instance = 'on' in a ? instances[a.on]! : undefined
    switch (a.kind) {
      case 'login': {
        const startedAt = world.seq++
        await instance!.bans.check(a.user)
        const issued = await instance!.bans.issueUnlessBanned(userOf(a.user))
        const ban = bannedAt.get(a.user)
        if (ban !== undefined && ban < startedAt) violations.push(`${instance!.name} logged in user ${a.user}, banned at step ${ban}, in a login started at step ${startedAt}`)
        tokens.push({ token: issued.token, user: a.user })
        return
      }
      case 'request': {
        const h = held(a.token)
        if (h === undefined) return
        const hash = hashToken(h.token)
        const startedAt = world.seq++
        const startClock = world.clock
        const exempt = withinBound(instance!, hash)
        const session = await instance!.sessions.verify(h.token)
        if (session !== null) {
          const seen = accepted.get(instance!) ?? new Map<string, number>()
          seen.set(hash, Math.max(seen.get(hash) ?? startClock, startClock))
          accepted.set(instance!, seen)
        }
        const revoked = revokedAt.get(hash)
        if (session !== null && !exempt && revoked !== undefined && revoked < startedAt) {
          violations.push(`${instance!.name} accepted a token revoked at step ${revoked} in a request started at step ${startedAt}`)
        }
        const graceEnd = graceEnds.get(hash)
        if (session !== null && !exempt && graceEnd !== undefined && startClock >= graceEnd) {
          violations.push(`${instance!.name} accepted a refreshed token's old value after its grace period`)
        }
        return
      }
      case 'refresh': {
        const h = held(a.token)
        if (h === undefined) return
        const renewed = await instance!.sessions.refresh(h.token)
        if ('refused' in renewed) return
        graceEnds.set(hashToken(h.token), world.clock + REFRESH_GRACE)
        tokens.push({ token: renewed.token, user: h.user })
        return
      }
      case 'endSession': {
        const h = held(a.token)
        if (h === undefined) return
        const session = await instance!.sessions.verify(h.token)
        if (session === null) return
        await instance!.sessions.revokeSession(session.sessionId)
        answered(tokens.filter(other => world.rows.get(hashToken(other.token))?.record.sessionId === session.sessionId).map(other => hashToken(other.token)))
        return
      }
      case 'revoke': {
        const h = held(a.token)
        if (h === undefined) return
        await instance!.sessions.revoke(h.token)
        answered([hashToken(h.token)])
        return
      }
      case 'revokeAll':
      case 'ban': {
        const before = tokens.filter(h => h.user === a.user).map(h => hashToken(h.token))
        if (a.kind === 'ban') await instance!.bans.ban(a.user)
        else await instance!.sessions.revokeAll(a.user)
        if (a.kind === 'ban' && !bannedAt.has(a.user)) bannedAt.set(a.user, world.seq)
        answered(before)
        return
      }
      case 'timers':
        instance!.fire()
        return
      case 'heartbeat-late':
        await Promise.all([...world.subscribers].filter(sub => sub.caller === instance).map(sub => sub.heartbeatLate()))
        return
      case 'tick':
        world.clock += a.ms
        return
      case 'restart':
        instance!.crash()
        accepted.delete(instance!) // its unwritten uses die with it
        instances[a.on] = startInstance(world, `${instance!.name}'`)
        return
      case 'redis':
        world.setRedisUp(a.up)
    }
  }

  for (const seed of seeded) await s.waitFor(run({ kind: 'login', ...seed }))
  for (const [i, a] of prelude.entries()) {
    await s.waitFor(run(a))
    // Settle what it started (a replay's steps), except after the last: its messages stay in flight.
    if (i < prelude.length - 1) await s.waitIdle()
  }

  // Every action starts at a moment the scheduler picks; all run interleaved.
  const running = actions.map((a, i) =>
    s.schedule(Promise.resolve(), `start ${i}: ${JSON.stringify(a)}`).then(() => run(a)).catch(() => {}))
  await s.waitIdle()
  await Promise.all(running)

  // Quiet: Redis reachable, every timer run (a replay, then what it left), every message delivered.
  world.setRedisUp(true)
  for (let round = 0; round < 3; round++) {
    for (const instance of instances) instance.fire()
    await s.waitIdle()
  }

  for (const [hash, row] of world.rows) if (row.pending) violations.push(`quiet: the revocation of ${hash.slice(0, 8)} is still pending`)
  for (const instance of instances) {
    for (const [hash, at] of accepted.get(instance) ?? []) {
      const row = world.rows.get(hash)!
      // An ended session's unwritten uses are dropped with it (a refreshed one's too).
      if (row.revokedAt === null && row.endReason === null && row.record.lastSeenAt < at - 2 * TOUCH_INTERVAL) {
        violations.push(`quiet: ${hash.slice(0, 8)} last seen at ${row.record.lastSeenAt}, more than two intervals before ${instance.name} accepted it at ${at}`)
      }
    }
  }
  for (const [userId, ban] of world.bans) {
    // Past the window a finished ban is not looked at again: a login stored
    // that late (the model's clock jumps; a real one would have stalled that
    // long) is the documented exception.
    if (ban.sessionsEnded && world.clock - ban.savedAt > LATE_LOGIN_WINDOW_MS) continue
    for (const row of world.rows.values()) {
      if (row.record.userId === userId && row.revokedAt === null) violations.push(`quiet: banned user ${userId} has a live session`)
    }
  }
  for (const { token } of tokens) {
    const hash = hashToken(token)
    const row = world.rows.get(hash)!
    const dead = row.revokedAt !== null || Math.min(row.record.expiresAt, row.record.lastSeenAt + IDLE_TTL) <= world.clock
    // A refreshed token in its grace period is live but never cached: not a "holds" violation.
    // An expired copy carries its deadline and is never answered (checked
    // below); a revoked one looks live, so it must be gone.
    if (row.revokedAt !== null && cachedInRedis(world, hash)) violations.push(`quiet: Redis holds the revoked session ${hash.slice(0, 8)}`)
    for (const instance of instances) {
      if (dead && instance.sessions.peek(token) !== undefined) violations.push(`quiet: ${instance.name} holds the ended session ${hash.slice(0, 8)}`)
      const accepted = await s.waitFor(instance.sessions.verify(token)) !== null
      if (accepted === dead) violations.push(`quiet: ${instance.name} ${dead ? 'accepted the ended' : 'refused the live'} session ${hash.slice(0, 8)}`)
    }
  }
  if (violations.length > 0) throw new Error(violations.join('\n'))
}

t.test('no interleaving of sessions, revocations, bans, outages and crashes breaks the invariants', async t => {
  const runs = Number(process.env.INTERLEAVING_RUNS ?? 1000)
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(fc.record({ on, user }), { minLength: 1, maxLength: 3 }),
      fc.array(action, { minLength: 1, maxLength: 14 }),
      async (s, seeded, actions) => await explore(s, seeded, actions)
    ),
    { numRuns: runs, ...(process.env.SEED === undefined ? {} : { seed: Number(process.env.SEED), path: process.env.FC_PATH }) }
  )
  t.pass(`invariants held in ${runs} runs`)
})

// The random actions above rarely line up a late heartbeat between a copy
// and its revocation; here schedules of exactly that story are tried:
// instance 1 holds a copy, instance 0 revokes it (its message to instance 1
// delivered or not yet), then instance 1's heartbeat is late while it
// answers requests. The answer must not make the copy usable before the
// revocation published ahead of it has been applied.
t.test('a late heartbeat: once answered, every revocation published before it has been heard', async t => {
  const runs = Math.max(100, Math.floor(Number(process.env.INTERLEAVING_RUNS ?? 1000) / 2))
  const prelude: Action[] = [
    // A new instance trusts no copy until its first replay has run.
    { kind: 'timers', on: 1 },
    { kind: 'request', on: 1, token: 0 },
    { kind: 'revoke', on: 0, token: 0 }
  ]
  const story: Action[] = [
    { kind: 'heartbeat-late', on: 1 },
    { kind: 'request', on: 1, token: 0 },
    { kind: 'request', on: 1, token: 0 },
    { kind: 'request', on: 1, token: 0 }
  ]
  await fc.assert(fc.asyncProperty(fc.scheduler(), s => explore(s, [{ on: 2, user: 0 }], story, prelude)), { numRuns: runs })
  t.pass(`invariants held in ${runs} schedules`)
})

// Invariant 5's bound needs a precise chain that random actions rarely line
// up: instance 0 writes a use an interval after login; instance 1, whose
// copy is older, uses the session at the same moment (its write is skipped:
// the row is recent), again an interval later, and once more just after.
// Its second write must land (the row is an interval old by then), or the
// record falls more than two intervals behind its last use. A skip window
// of three intervals instead of one fails here.
t.test('last-seen: a write skipped as recent never leaves the record more than two intervals behind a use', async t => {
  const runs = Math.max(100, Math.floor(Number(process.env.INTERLEAVING_RUNS ?? 1000) / 4))
  const useAndWrite = (on: number): Action[] => [{ kind: 'request', on, token: 0 }, { kind: 'timers', on }]
  const prelude: Action[] = [
    { kind: 'timers', on: 0 },
    { kind: 'timers', on: 1 },
    { kind: 'request', on: 0, token: 0 },
    { kind: 'request', on: 1, token: 0 },
    { kind: 'tick', ms: TOUCH_INTERVAL },
    ...useAndWrite(0),
    ...useAndWrite(1),
    { kind: 'tick', ms: TOUCH_INTERVAL },
    ...useAndWrite(1),
    { kind: 'tick', ms: 10 }
  ]
  const story: Action[] = [...useAndWrite(1), ...useAndWrite(0), { kind: 'request', on: 2, token: 0 }]
  await fc.assert(fc.asyncProperty(fc.scheduler(), s => explore(s, [{ on: 2, user: 0 }], story, prelude)), { numRuns: runs })
  t.pass(`invariants held in ${runs} schedules`)
})
