/** What the stores bind to a statement's placeholders. */
export type SqlValue = string | number | boolean | null | Date | Buffer

/**
 * The slice of a mysql2 promise pool the stores use. @fastify/mysql's
 * `app.mysql` (with `promise: true`) and a plain mysql2 pool both fit
 * (the type tests check both).
 */
export interface SqlClient {
  query (sql: string, values?: SqlValue[]): Promise<[unknown, unknown]>
  execute (sql: string, values?: SqlValue[]): Promise<[unknown, unknown]>
  /** A pool's: one connection of its own, for what must share a connection (migrate's lock). */
  getConnection? (): Promise<SqlClient & { release (): void }>
}

export interface WriteResult { affectedRows: number, insertId: number }
export type Row = Record<string, unknown>

export async function selectRows (db: SqlClient, sql: string, values: SqlValue[]): Promise<Row[]> {
  const [rows] = await db.execute(sql, values)
  return rows as Row[]
}

export async function write (db: SqlClient, sql: string, values: SqlValue[]): Promise<WriteResult> {
  const [result] = await db.execute(sql, values)
  return result as WriteResult
}

/** The connection's default database, where unqualified tables live. */
export async function currentDatabase (db: SqlClient): Promise<string> {
  const [rows] = await db.query('SELECT DATABASE() AS name')
  const name = (rows as Row[])[0]?.name
  if (typeof name !== 'string') throw new Error('@wx-login/fastify: the MySQL connection has no database selected (name one in the URL)')
  return name
}
