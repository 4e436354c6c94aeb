import { selectRows, type SqlClient } from './mysql-client.js'
import type { MigrationStep } from './migrations/step.js'

/** One row per applied step; the schema's version is the highest. */
export const versionTable = (prefix: string): string => `${prefix}schema_migrations`

export function versionTableSql (prefix: string, ifNotExists = false): string {
  return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}\`${versionTable(prefix)}\` (
  version INT NOT NULL PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  applied_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`
}

/** Records steps as applied, at the database's clock (epoch ms). Names are checked by orderSteps. */
export function recordStepsSql (prefix: string, steps: readonly MigrationStep[]): string {
  const rows = steps.map(step => `(${step.version}, '${step.name}', ROUND(UNIX_TIMESTAMP(NOW(3)) * 1000))`)
  return `INSERT INTO \`${versionTable(prefix)}\` (version, name, applied_at) VALUES ${rows.join(', ')}`
}

/** Whether the version table exists. */
export async function hasVersionTable (db: SqlClient, prefix: string): Promise<boolean> {
  const rows = await selectRows(db,
    'SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', [versionTable(prefix)])
  return rows.length > 0
}

/** The recorded version; 0 when nothing is recorded. */
export async function recordedVersion (db: SqlClient, prefix: string): Promise<number> {
  if (!await hasVersionTable(db, prefix)) return 0
  const [row] = await selectRows(db, `SELECT MAX(version) AS version FROM \`${versionTable(prefix)}\``, [])
  return Number(row?.version ?? 0)
}
