import { withMigrationLock } from './migration-lock.js'
import { planMigration } from './migration-plan.js'
import type { SqlClient } from './mysql-client.js'
import type { MigrationStep } from './migrations/step.js'
import { migrationSteps } from './migrations/steps.js'
import { tableNames } from './sql.js'

export interface MigrateOptions {
  /** The plugin's tablePrefix. Default 'wx_'. */
  tablePrefix?: string
  /** How long to wait for another instance's migration, in seconds. Default 60. */
  lockTimeout?: number
}

export interface MigrationReport {
  from: number
  to: number
  /** The steps this call applied; empty when another instance had done them. */
  applied: Array<{ version: number, name: string }>
}

/** Brings the schema to the given steps; the plugin and the CLI run every step (migrate). */
export async function migrateTo (db: SqlClient, options: MigrateOptions, steps: readonly MigrationStep[]): Promise<MigrationReport> {
  const prefix = options.tablePrefix ?? 'wx_'
  tableNames(prefix)
  return await withMigrationLock(db, prefix, options.lockTimeout ?? 60, async conn => {
    // Planned under the lock: nobody else changes the schema meanwhile.
    const plan = await planMigration(conn, prefix, steps)
    for (const statement of plan.setup) await conn.query(statement)
    for (const step of plan.steps) {
      for (const statement of step.statements) await conn.query(statement)
    }
    return { from: plan.from, to: plan.to, applied: plan.steps.map(({ version, name }) => ({ version, name })) }
  })
}

/**
 * Applies the steps the database lacks, in order, each recorded once done.
 * Safe to run on every boot, from several instances at once, and again
 * after a crash half way. Refuses a database newer than this package.
 */
export async function migrate (db: SqlClient, options: MigrateOptions = {}): Promise<MigrationReport> {
  return await migrateTo(db, options, migrationSteps)
}
