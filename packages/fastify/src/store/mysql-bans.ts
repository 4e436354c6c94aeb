import { selectRows, write, type SqlClient } from './mysql-client.js'
import type { TableNames } from './sql.js'
import type { BanStore } from './types.js'

export function mysqlBanStore (db: SqlClient, tables: TableNames): BanStore {
  return {
    async save (userId, ban, at) {
      await write(db,
        `INSERT INTO ${tables.bans} (user_id, banned_until, reason, created_at, sessions_ended) VALUES (?, ?, ?, ?, 0)
         ON DUPLICATE KEY UPDATE banned_until = VALUES(banned_until), reason = VALUES(reason), created_at = VALUES(created_at), sessions_ended = 0`,
        [userId, ban.until, ban.reason, at])
    },
    async sessionsEnded (userId) {
      await write(db, `UPDATE ${tables.bans} SET sessions_ended = 1 WHERE user_id = ?`, [userId])
    },
    async unfinished (limit, now, savedSince) {
      // The second half finds a login that was stored after its ban ended the
      // sessions and whose instance died before it could look again.
      const rows = await selectRows(db,
        `SELECT user_id FROM ${tables.bans} WHERE sessions_ended = 0
         UNION
         SELECT b.user_id FROM ${tables.bans} b WHERE b.created_at > ? AND (b.banned_until IS NULL OR b.banned_until > ?)
           AND EXISTS (SELECT 1 FROM ${tables.sessions} s WHERE s.user_id = b.user_id AND s.revoked_at IS NULL)
         LIMIT ${Math.floor(limit)}`, [savedSince, now])
      return rows.map(row => String(row.user_id))
    },
    async remove (userId) {
      await write(db, `DELETE FROM ${tables.bans} WHERE user_id = ?`, [userId])
    },
    async find (userId, now) {
      const [row] = await selectRows(db,
        `SELECT banned_until, reason FROM ${tables.bans} WHERE user_id = ? AND (banned_until IS NULL OR banned_until > ?)`, [userId, now])
      if (row === undefined) return null
      return { until: row.banned_until === null ? null : Number(row.banned_until), reason: (row.reason as string | null) ?? null }
    }
  }
}
