import { schemaSql } from './sql.js'
import type { SqlClient } from './mysql-client.js'

/** Creates the plugin's tables when missing. Safe to run on every boot. */
export async function migrate (db: SqlClient, options: { tablePrefix?: string } = {}): Promise<void> {
  for (const statement of schemaSql(options.tablePrefix)) {
    await db.query(statement)
  }
}
