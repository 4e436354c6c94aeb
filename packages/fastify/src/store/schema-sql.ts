import type { MigrationStep } from './migrations/step.js'
import { schemaModel } from './migrations/step.js'
import { migrationSteps } from './migrations/steps.js'
import { createTableSql } from './migrations/changes.js'
import { tableNames } from './sql.js'
import { recordStepsSql, versionTableSql } from './version-table.js'

export function schemaStatements (tablePrefix: string, steps: readonly MigrationStep[]): string[] {
  tableNames(tablePrefix)
  const tables = [...schemaModel(steps)].map(([name, table]) => createTableSql(tablePrefix, name, table))
  return [versionTableSql(tablePrefix), ...tables, recordStepsSql(tablePrefix, steps)]
}

/**
 * The current schema for a new, empty database, for teams that run DDL
 * themselves: the version table, every table as the steps leave it, and the
 * rows recording every step (so migrate and the CLI later know the version).
 * Plain CREATE TABLE: on a database that has the tables it stops at once,
 * rather than recording steps it did not apply. Upgrade an existing
 * database with `wx-login-migrate --print`.
 */
export function schemaSql (tablePrefix = 'wx_'): string[] {
  return schemaStatements(tablePrefix, migrationSteps)
}
