import type { SessionRecord, WxIdentity, WxUser } from '../types.js'
import { memorySessionKeyStore } from './session-key-store.js'
import type { Ban, RevokedSession, WxLoginStores } from './types.js'

/**
 * Stores that live in this process only: for demos and laptops without
 * MySQL or Redis. Chosen explicitly (`stores: memoryStores()`); the plugin
 * never falls back to them on its own. Everything is lost on restart.
 */
export function memoryStores (): WxLoginStores {
  const users = new Map<string, WxUser>()
  const sessions = new Map<string, SessionRecord & { revokedAt: number | null }>()
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
      async insert (record) { sessions.set(record.tokenHash, { ...record, revokedAt: null }) },
      async find (tokenHash) {
        const s = sessions.get(tokenHash)
        if (s === undefined || s.revokedAt !== null) return null
        const { revokedAt: _revokedAt, ...record } = s
        return record
      },
      async touch (tokenHashes, lastSeenAt) {
        for (const tokenHash of tokenHashes) {
          const s = sessions.get(tokenHash)
          if (s !== undefined) s.lastSeenAt = Math.max(s.lastSeenAt, lastSeenAt)
        }
      },
      // No cache to catch up with: nothing is ever pending.
      async revoke (tokenHash, at) {
        const s = sessions.get(tokenHash)
        if (s === undefined || s.revokedAt !== null) return null
        s.revokedAt = at
        return { tokenHash, expiresAt: s.expiresAt }
      },
      async revokeAll (userId, at) {
        const revoked: RevokedSession[] = []
        for (const s of sessions.values()) {
          if (s.userId === userId && s.revokedAt === null) {
            s.revokedAt = at
            revoked.push({ tokenHash: s.tokenHash, expiresAt: s.expiresAt })
          }
        }
        return revoked
      },
      async pendingRevocations () { return [] },
      async clearPending () {},
      async listActive (userId, at) {
        return [...sessions.values()]
          .filter(s => s.userId === userId && s.revokedAt === null && s.expiresAt > at)
          .sort((a, b) => b.createdAt - a.createdAt)
          .map(s => ({ tokenHash: s.tokenHash, createdAt: s.createdAt }))
      },
      async prune (before) {
        let pruned = 0
        for (const [hash, s] of sessions) {
          if (s.expiresAt < before || (s.revokedAt !== null && s.revokedAt < before)) {
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
