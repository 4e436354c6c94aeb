import type { SessionRecord, WxUser } from '../types.js'
import type { RevokedSession, SessionStore } from './types.js'
import { selectRows, write, type Row, type SqlClient } from './mysql-client.js'
import type { TableNames } from './sql.js'

// Hashes per UPDATE when sessions are written in a batch.
const CHUNK = 500

const toRevoked = (rows: Row[]): RevokedSession[] =>
  rows.map(row => ({ tokenHash: String(row.h), expiresAt: Number(row.expires_at) }))

export function mysqlSessionStore (db: SqlClient, tables: TableNames): SessionStore {
  const s = tables.sessions
  return {
    async insert (r: SessionRecord) {
      await write(db,
        `INSERT INTO ${s} (token_hash, user_id, user_data, created_at, expires_at, last_seen_at) VALUES (UNHEX(?), ?, ?, ?, ?, ?)`,
        [r.tokenHash, r.userId, JSON.stringify(r.user), r.createdAt, r.expiresAt, r.lastSeenAt])
    },

    async find (tokenHash: string) {
      const [row] = await selectRows(db,
        `SELECT user_id, user_data, created_at, expires_at, last_seen_at FROM ${s} WHERE token_hash = UNHEX(?) AND revoked_at IS NULL`,
        [tokenHash])
      if (row === undefined) return null
      return {
        tokenHash,
        userId: String(row.user_id),
        user: JSON.parse(String(row.user_data)) as WxUser,
        createdAt: Number(row.created_at),
        expiresAt: Number(row.expires_at),
        lastSeenAt: Number(row.last_seen_at)
      }
    },

    async touch (tokenHashes: string[], lastSeenAt: number) {
      for (let i = 0; i < tokenHashes.length; i += CHUNK) {
        const chunk = tokenHashes.slice(i, i + CHUNK)
        await db.query(
          `UPDATE ${s} SET last_seen_at = GREATEST(last_seen_at, ?) WHERE revoked_at IS NULL AND token_hash IN (${chunk.map(() => 'UNHEX(?)').join(', ')})`,
          [lastSeenAt, ...chunk])
      }
    },

    async revoke (tokenHash: string, at: number) {
      await write(db,
        `UPDATE ${s} SET revoked_at = ?, revocation_pending = 1 WHERE token_hash = UNHEX(?) AND revoked_at IS NULL`, [at, tokenHash])
      const [row] = await selectRows(db,
        `SELECT expires_at FROM ${s} WHERE token_hash = UNHEX(?) AND revocation_pending = 1`, [tokenHash])
      return row === undefined ? null : { tokenHash, expiresAt: Number(row.expires_at) }
    },

    async revokeAll (userId: string, at: number) {
      // Revoke first, then read back what is pending: a session created in
      // between is either revoked here or issued after, never lost.
      await write(db,
        `UPDATE ${s} SET revoked_at = ?, revocation_pending = 1 WHERE user_id = ? AND revoked_at IS NULL`, [at, userId])
      return toRevoked(await selectRows(db,
        `SELECT LOWER(HEX(token_hash)) AS h, expires_at FROM ${s} WHERE user_id = ? AND revocation_pending = 1`, [userId]))
    },

    async pendingRevocations (limit: number) {
      return toRevoked(await selectRows(db,
        `SELECT LOWER(HEX(token_hash)) AS h, expires_at FROM ${s} WHERE revocation_pending = 1 ORDER BY revoked_at LIMIT ${Math.floor(limit)}`, []))
    },

    async clearPending (tokenHashes: string[]) {
      for (let i = 0; i < tokenHashes.length; i += CHUNK) {
        const chunk = tokenHashes.slice(i, i + CHUNK)
        await db.query(
          `UPDATE ${s} SET revocation_pending = 0 WHERE revocation_pending = 1 AND token_hash IN (${chunk.map(() => 'UNHEX(?)').join(', ')})`, chunk)
      }
    },

    async listActive (userId: string, now: number) {
      const rows = await selectRows(db,
        `SELECT LOWER(HEX(token_hash)) AS h, created_at FROM ${s} WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC, token_hash`,
        [userId, now])
      return rows.map(row => ({ tokenHash: String(row.h), createdAt: Number(row.created_at) }))
    },

    async prune (before: number) {
      // A pending revocation is the record that its cache copies must go: kept until they have.
      const result = await write(db,
        `DELETE FROM ${s} WHERE expires_at < ? OR (revoked_at < ? AND revocation_pending = 0)`, [before, before])
      return result.affectedRows
    }
  }
}
