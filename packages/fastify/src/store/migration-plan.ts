import { errors } from '../errors.js'
import type { SqlClient } from './mysql-client.js'
import type { MigrationStep } from './migrations/step.js'
import { tableNames } from './sql.js'
import { hasVersionTable, recordedVersion, recordStepsSql, versionTableSql } from './version-table.js'

export interface PlannedStep {
  version: number
  name: string
  /** The step's changes the database lacks, then the row that records the step. */
  statements: string[]
}

export interface MigrationPlan {
  /** The recorded version (0: none). */
  from: number
  to: number
  /** Creates the version table when it is missing. */
  setup: string[]
  steps: PlannedStep[]
}

/**
 * What migrate would run on this database, read-only. A step that stopped
 * half way (its version row is written last) is pending again, and only its
 * missing changes are planned. A database from before the version table
 * holds step 1's tables: step 1 plans no change, only its version row.
 */
export async function planMigration (db: SqlClient, prefix: string, steps: readonly MigrationStep[]): Promise<MigrationPlan> {
  tableNames(prefix)
  const from = await recordedVersion(db, prefix)
  const to = steps.length
  if (from > to) throw new errors.SchemaTooNew(from, to)
  const planned: PlannedStep[] = []
  for (const step of steps.slice(from)) {
    const statements: string[] = []
    for (const change of step.changes) {
      if (!await change.isApplied(db, prefix)) statements.push(change.sql(prefix))
    }
    planned.push({ version: step.version, name: step.name, statements: [...statements, recordStepsSql(prefix, [step])] })
  }
  const setup = await hasVersionTable(db, prefix) ? [] : [versionTableSql(prefix, true)]
  return { from, to, setup, steps: planned }
}
