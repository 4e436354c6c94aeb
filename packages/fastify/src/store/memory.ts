import type { EndReason, SessionRecord, WxIdentity, WxUser } from '../types.js'
import { memorySessionKeyStore } from './session-key-store.js'
import type { Ban, RevokedSession, SessionDetails, WxLoginStores } from './types.js'

/**
 * Stores that live in this process only: for demos and laptops without
 * MySQL or Redis. Chosen explicitly (`stores: memoryStores()`); the plugin
 * never falls back to them on its own. Everything is lost on restart.
 */
export function memoryStores (): WxLoginStores {
  const users = new Map<string, WxUser>()
  const sessions = new Map<string, { record: SessionRecord, details: SessionDetails, revokedAt: number | null, endReason: EndReason | null }>()
  function end (row: { record: SessionRecord, revokedAt: number | null, endReason: EndReason | null }, at: number, reason: EndReason): RevokedSession | null {
    if (row.revokedAt !== null) return null
    row.revokedAt = at
    row.endReason ??= reason
    return { tokenHash: row.record.tokenHash, expiresAt: row.record.expiresAt }
  }
  const bans = new Map<string, Ban>()
  let nextUserId = 1
  const userKey = (identity: WxIdentity): string => `${identity.appId}\u0000${identity.openid}`

  return {
    users: {
      async find (identity) {
        const user = users.get(userKey(identity))
        if (user !== undefined && identity.unionid !== null) user.unionid = identity.unionid
        return user === undefined ? null : { ...user }
      },
      async findById (id) {
        for (const user of users.values()) if (String(user.id) === String(id)) return { ...user }
        return null
      },
      async create (identity) {
        const existing = users.get(userKey(identity))
        if (existing !== undefined) return { user: { ...existing }, created: false }
        const user: WxUser = { id: nextUserId++, ...identity }
        users.set(userKey(identity), user)
        return { user: { ...user }, created: true }
      }
    },
    sessions: {
      async insert (record, details) { sessions.set(record.tokenHash, { record: { ...record }, details, revokedAt: null, endReason: null }) },
      async find (tokenHash) {
        const row = sessions.get(tokenHash)
        return row === undefined ? null : { record: { ...row.record }, revokedAt: row.revokedAt, endReason: row.endReason }
      },
      async touch (tokenHashes, lastSeenAt, dueBy = lastSeenAt) {
        for (const tokenHash of tokenHashes) {
          const row = sessions.get(tokenHash)
          if (row !== undefined && row.revokedAt === null && row.record.lastSeenAt <= dueBy) row.record.lastSeenAt = Math.max(row.record.lastSeenAt, lastSeenAt)
        }
      },
      // No cache to catch up with: nothing is ever pending.
      async revoke (tokenHash, at, reason) {
        const row = sessions.get(tokenHash)
        return row === undefined ? null : end(row, at, reason)
      },
      async revokeAll (userId, at, reason) {
        return [...sessions.values()].filter(row => row.record.userId === userId).map(row => end(row, at, reason)).filter(r => r !== null)
      },
      async revokeSession (sessionId, at, reason, userId) {
        return [...sessions.values()]
          .filter(row => row.record.sessionId === sessionId && (userId === undefined || row.record.userId === userId))
          .map(row => end(row, at, reason)).filter(r => r !== null)
      },
      async replace (oldTokenHash, fresh, graceUntil) {
        const old = sessions.get(oldTokenHash)
        if (old === undefined || old.revokedAt !== null || old.endReason !== null) return null
        sessions.set(fresh.tokenHash, { record: { ...fresh, user: old.record.user, userId: old.record.userId, createdAt: old.record.createdAt }, details: old.details, revokedAt: null, endReason: null })
        old.record.expiresAt = Math.min(old.record.expiresAt, graceUntil)
        old.endReason = 'replaced'
        return { tokenHash: oldTokenHash, expiresAt: graceUntil }
      },
      async pendingRevocations () { return [] },
      async clearPending () {},
      async listActive (userId, now, lastSeenAfter) {
        return [...sessions.values()]
          .filter(row => row.record.userId === userId && row.revokedAt === null && row.endReason === null &&
            row.record.expiresAt > now && row.record.lastSeenAt > lastSeenAfter)
          .sort((a, b) => b.record.createdAt - a.record.createdAt)
          .map(row => ({ tokenHash: row.record.tokenHash, id: row.record.sessionId, ...row.details, createdAt: row.record.createdAt, lastSeenAt: row.record.lastSeenAt }))
      },
      async prune ({ endedBefore, lastSeenBefore }) {
        let pruned = 0
        for (const [hash, row] of sessions) {
          if (row.record.expiresAt < endedBefore || (row.revokedAt !== null && row.revokedAt < endedBefore) || row.record.lastSeenAt < lastSeenBefore) {
            sessions.delete(hash)
            pruned++
          }
        }
        return pruned
      }
    },
    bans: {
      async save (userId, ban) { bans.set(userId, { ...ban }) },
      async sessionsEnded () {},
      async unfinished () { return [] },
      async remove (userId) { bans.delete(userId) },
      async find (userId, now) {
        const ban = bans.get(userId)
        return ban === undefined || (ban.until !== null && ban.until <= now) ? null : { ...ban }
      }
    },
    cache: null,
    sessionKeys: memorySessionKeyStore()
  }
}
