import type { SqlClient } from '../mysql-client.js'

/** The schema as the steps build it up, by unprefixed table name: what schemaSql renders. */
export type SchemaModel = Map<string, { columns: string[], keys: string[] }>

/**
 * One DDL change of a step. MySQL cannot roll DDL back, so a step may stop
 * half way; each change can tell whether the database already has it, and
 * re-running the step runs only the changes still missing.
 */
export interface SchemaChange {
  /** The statement, for this table prefix. */
  sql (prefix: string): string
  /** Whether the database already has it, from information_schema. */
  isApplied (db: SqlClient, prefix: string): Promise<boolean>
  /** The same change, made to the model. */
  fold (model: SchemaModel): void
}

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin'
const KEY_LINE = /^(PRIMARY|UNIQUE|KEY|INDEX|CONSTRAINT|FOREIGN|FULLTEXT|SPATIAL)\b/i

export function createTableSql (prefix: string, name: string, table: { columns: string[], keys: string[] }): string {
  return `CREATE TABLE \`${prefix}${name}\` (\n  ${[...table.columns, ...table.keys].join(',\n  ')}\n) ${TABLE_OPTIONS}`
}

async function found (db: SqlClient, sql: string, values: string[]): Promise<boolean> {
  const [rows] = await db.query(`SELECT 1 FROM information_schema.${sql} AND TABLE_SCHEMA = DATABASE() LIMIT 1`, values)
  return (rows as unknown[]).length > 0
}

function tableOf (model: SchemaModel, name: string): { columns: string[], keys: string[] } {
  const table = model.get(name)
  if (table === undefined) throw new Error(`@wx-login/fastify: a migration step changes the table ${name} before creating it`)
  return table
}

/** A table; `lines` are its column and key definitions, as in CREATE TABLE. */
export function createTable (name: string, lines: string[]): SchemaChange {
  const table = {
    columns: lines.filter(line => !KEY_LINE.test(line)),
    keys: lines.filter(line => KEY_LINE.test(line))
  }
  return {
    sql: prefix => createTableSql(prefix, name, table),
    isApplied: (db, prefix) => found(db, 'TABLES WHERE TABLE_NAME = ?', [prefix + name]),
    fold: model => { model.set(name, { columns: [...table.columns], keys: [...table.keys] }) }
  }
}

// Columns are appended (no AFTER): ALTER TABLE and schemaSql's CREATE TABLE then agree on their order.
/** A column, e.g. addColumn('sessions', 'ip VARCHAR(45) NULL'). Existing rows get NULL or the default. */
export function addColumn (table: string, definition: string): SchemaChange {
  const column = /^\w+/.exec(definition)?.[0]
  if (column === undefined) throw new Error(`@wx-login/fastify: addColumn needs a column definition: ${definition}`)
  return {
    sql: prefix => `ALTER TABLE \`${prefix}${table}\` ADD COLUMN ${definition}`,
    isApplied: (db, prefix) => found(db, 'COLUMNS WHERE TABLE_NAME = ? AND COLUMN_NAME = ?', [prefix + table, column]),
    fold: model => { tableOf(model, table).columns.push(definition) }
  }
}

/** A key, e.g. addKey('sessions', 'KEY idx_ip (ip)') or 'UNIQUE KEY uq_x (x)'. */
export function addKey (table: string, definition: string): SchemaChange {
  const name = /KEY\s+(\w+)/i.exec(definition)?.[1]
  if (name === undefined) throw new Error(`@wx-login/fastify: addKey needs a named key: ${definition}`)
  return {
    sql: prefix => `ALTER TABLE \`${prefix}${table}\` ADD ${definition}`,
    isApplied: (db, prefix) => found(db, 'STATISTICS WHERE TABLE_NAME = ? AND INDEX_NAME = ?', [prefix + table, name]),
    fold: model => { tableOf(model, table).keys.push(definition) }
  }
}
