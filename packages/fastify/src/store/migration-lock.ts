import { createHash } from 'node:crypto'
import { errors } from '../errors.js'
import { currentDatabase, selectRows, type SqlClient } from './mysql-client.js'

// MySQL refuses lock names over 64 characters.
const MAX_LOCK_NAME = 64

/** One lock per schema: the database and the table prefix. */
export function migrationLockName (database: string, prefix: string): string {
  const name = `wx-login:migrate:${database}.${prefix}`
  if (name.length <= MAX_LOCK_NAME) return name
  return `wx-login:migrate:${createHash('sha256').update(`${database}.${prefix}`).digest('hex').slice(0, 40)}`
}

/**
 * Runs `fn` holding MySQL's named lock for this schema, so instances booting
 * together migrate one at a time; the others wait, then find nothing to do.
 * A named lock belongs to a connection: from a pool, one connection is taken
 * for the lock and every statement. A client without getConnection() is used
 * as is and must be a single connection. If the process dies, MySQL frees
 * the lock with the connection.
 */
export async function withMigrationLock<T> (db: SqlClient, prefix: string, timeoutSeconds: number, fn: (conn: SqlClient) => Promise<T>): Promise<T> {
  const pooled = db.getConnection === undefined ? null : await db.getConnection()
  const conn = pooled ?? db
  try {
    const name = migrationLockName(await currentDatabase(conn), prefix)
    const [row] = await selectRows(conn, 'SELECT GET_LOCK(?, ?) AS got', [name, timeoutSeconds])
    if (Number(row?.got) !== 1) throw new errors.MigrationLocked(name, timeoutSeconds)
    try {
      return await fn(conn)
    } finally {
      await conn.query('SELECT RELEASE_LOCK(?)', [name])
    }
  } finally {
    pooled?.release()
  }
}
