import { SESSION_ID_SQL } from '../session-id.js'
import type { EndReason, WxDevice, WxUser } from '../types.js'
import type { ActiveSession, RevokedSession, SessionStore, StoredSession } from './types.js'
import { selectRows, write, type Row, type SqlClient } from './mysql-client.js'
import type { TableNames } from './sql.js'

// Hashes per UPDATE when sessions are written in a batch.
const CHUNK = 500

const toRevoked = (rows: Row[]): RevokedSession[] =>
  rows.map(row => ({ tokenHash: String(row.h), expiresAt: Number(row.expires_at) }))

const ROW_COLUMNS = `LOWER(HEX(token_hash)) AS h, ${SESSION_ID_SQL} AS sid, user_id, user_data, created_at, expires_at, last_seen_at, revoked_at, end_reason`

function toStored (row: Row): StoredSession {
  return {
    record: {
      tokenHash: String(row.h),
      sessionId: String(row.sid),
      userId: String(row.user_id),
      user: JSON.parse(String(row.user_data)) as WxUser,
      createdAt: Number(row.created_at),
      expiresAt: Number(row.expires_at),
      lastSeenAt: Number(row.last_seen_at)
    },
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    // Rows revoked before reasons were recorded were logouts or revokeAll.
    endReason: (row.end_reason as EndReason | null) ?? (row.revoked_at === null ? null : 'revoked')
  }
}

function toActive (row: Row): ActiveSession {
  return {
    tokenHash: String(row.h),
    id: String(row.sid),
    device: row.device === null ? null : JSON.parse(String(row.device)) as WxDevice,
    ip: (row.ip as string | null) ?? null,
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at)
  }
}

export function mysqlSessionStore (db: SqlClient, tables: TableNames): SessionStore {
  const s = tables.sessions
  const live = 'revoked_at IS NULL AND end_reason IS NULL'
  return {
    async insert (r, details) {
      await write(db,
        `INSERT INTO ${s} (token_hash, session_id, user_id, user_data, created_at, expires_at, last_seen_at, device, ip)
         VALUES (UNHEX(?), ?, ?, ?, ?, ?, ?, ?, ?)`,
        [r.tokenHash, r.sessionId, r.userId, JSON.stringify(r.user), r.createdAt, r.expiresAt, r.lastSeenAt,
          details.device === null ? null : JSON.stringify(details.device), details.ip])
    },

    async find (tokenHash) {
      const [row] = await selectRows(db, `SELECT ${ROW_COLUMNS} FROM ${s} WHERE token_hash = UNHEX(?)`, [tokenHash])
      return row === undefined ? null : toStored(row)
    },

    async touch (tokenHashes, lastSeenAt, dueBy = lastSeenAt) {
      for (let i = 0; i < tokenHashes.length; i += CHUNK) {
        const chunk = tokenHashes.slice(i, i + CHUNK)
        await db.query(
          `UPDATE ${s} SET last_seen_at = GREATEST(last_seen_at, ?) WHERE revoked_at IS NULL AND last_seen_at <= ? AND token_hash IN (${chunk.map(() => 'UNHEX(?)').join(', ')})`,
          [lastSeenAt, dueBy, ...chunk])
      }
    },

    async revoke (tokenHash, at, reason) {
      await write(db,
        `UPDATE ${s} SET revoked_at = ?, end_reason = COALESCE(end_reason, ?), revocation_pending = 1 WHERE token_hash = UNHEX(?) AND revoked_at IS NULL`,
        [at, reason, tokenHash])
      const [row] = await selectRows(db,
        `SELECT expires_at FROM ${s} WHERE token_hash = UNHEX(?) AND revocation_pending = 1`, [tokenHash])
      return row === undefined ? null : { tokenHash, expiresAt: Number(row.expires_at) }
    },

    async revokeAll (userId, at, reason) {
      // Revoke first, then read back what is pending: a session created in
      // between is either revoked here or issued after, never lost.
      await write(db,
        `UPDATE ${s} SET revoked_at = ?, end_reason = COALESCE(end_reason, ?), revocation_pending = 1 WHERE user_id = ? AND revoked_at IS NULL`,
        [at, reason, userId])
      return toRevoked(await selectRows(db,
        `SELECT LOWER(HEX(token_hash)) AS h, expires_at FROM ${s} WHERE user_id = ? AND revocation_pending = 1`, [userId]))
    },

    async revokeSession (sessionId, at, reason, userId) {
      // Rows older than session ids carry none: they are found by their derived id.
      const owner = userId === undefined ? '' : ' AND user_id = ?'
      const which = `(session_id = ? OR (session_id IS NULL AND ${SESSION_ID_SQL} = ?))${owner}`
      const values = userId === undefined ? [sessionId, sessionId] : [sessionId, sessionId, userId]
      await write(db,
        `UPDATE ${s} SET revoked_at = ?, end_reason = COALESCE(end_reason, ?), revocation_pending = 1 WHERE ${which} AND revoked_at IS NULL`,
        [at, reason, ...values])
      return toRevoked(await selectRows(db,
        `SELECT LOWER(HEX(token_hash)) AS h, expires_at FROM ${s} WHERE ${which} AND revocation_pending = 1`, values))
    },

    async replace (oldTokenHash, fresh, graceUntil) {
      const copied = await write(db,
        `INSERT INTO ${s} (token_hash, session_id, user_id, user_data, created_at, expires_at, last_seen_at, device, ip)
         SELECT UNHEX(?), ?, user_id, user_data, created_at, ?, ?, device, ip FROM ${s} WHERE token_hash = UNHEX(?) AND ${live}`,
        [fresh.tokenHash, fresh.sessionId, fresh.expiresAt, fresh.lastSeenAt, oldTokenHash])
      if (copied.affectedRows === 0) return null
      await write(db,
        `UPDATE ${s} SET expires_at = LEAST(expires_at, ?), end_reason = 'replaced', revocation_pending = 1 WHERE token_hash = UNHEX(?)`,
        [graceUntil, oldTokenHash])
      return { tokenHash: oldTokenHash, expiresAt: graceUntil }
    },

    async pendingRevocations (limit) {
      return toRevoked(await selectRows(db,
        `SELECT LOWER(HEX(token_hash)) AS h, expires_at FROM ${s} WHERE revocation_pending = 1 ORDER BY revoked_at LIMIT ${Math.floor(limit)}`, []))
    },

    async clearPending (tokenHashes) {
      for (let i = 0; i < tokenHashes.length; i += CHUNK) {
        const chunk = tokenHashes.slice(i, i + CHUNK)
        await db.query(
          `UPDATE ${s} SET revocation_pending = 0 WHERE revocation_pending = 1 AND token_hash IN (${chunk.map(() => 'UNHEX(?)').join(', ')})`, chunk)
      }
    },

    async listActive (userId, now, lastSeenAfter) {
      const rows = await selectRows(db,
        `SELECT LOWER(HEX(token_hash)) AS h, ${SESSION_ID_SQL} AS sid, device, ip, created_at, last_seen_at FROM ${s}
         WHERE user_id = ? AND ${live} AND expires_at > ? AND last_seen_at > ? ORDER BY created_at DESC, token_hash`,
        [userId, now, lastSeenAfter])
      return rows.map(toActive)
    },

    async prune ({ endedBefore, lastSeenBefore }) {
      // A pending revocation is the record that its cache copies must go: kept until they have.
      const result = await write(db,
        `DELETE FROM ${s} WHERE revocation_pending = 0 AND (expires_at < ? OR revoked_at < ? OR last_seen_at < ?)`,
        [endedBefore, endedBefore, lastSeenBefore])
      return result.affectedRows
    }
  }
}
