import { selectRows, write, type SqlClient } from './mysql-client.js'
import type { SessionKeyStore } from './session-key-store.js'
import type { TableNames } from './sql.js'

export function mysqlSessionKeyStore (db: SqlClient, tables: TableNames): SessionKeyStore {
  return {
    async save (identity, sealed, at) {
      // Concurrent logins may finish out of order: the key WeChat handed out last wins.
      await write(db,
        `INSERT INTO ${tables.sessionKeys} (appid, openid, session_key_enc, updated_at) VALUES (?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE
           session_key_enc = IF(VALUES(updated_at) >= updated_at, VALUES(session_key_enc), session_key_enc),
           updated_at = GREATEST(updated_at, VALUES(updated_at))`,
        [identity.appId, identity.openid, sealed, at])
    },
    async load (identity) {
      const [row] = await selectRows(db, `SELECT session_key_enc FROM ${tables.sessionKeys} WHERE appid = ? AND openid = ?`,
        [identity.appId, identity.openid])
      return row === undefined ? null : Buffer.from(row.session_key_enc as Buffer)
    }
  }
}
