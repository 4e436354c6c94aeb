#!/usr/bin/env node
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import mysql from 'mysql2/promise'
import { migrate } from './store/migrate.js'
import { planMigration, type MigrationPlan } from './store/migration-plan.js'
import { migrationSteps } from './store/migrations/steps.js'
import type { SqlClient } from './store/mysql-client.js'

export const USAGE = `usage: wx-login-migrate [--print] <mysql-url> [--table-prefix wx_]

Brings the @wx-login/fastify tables of the database in <mysql-url>
(mysql://user:password@host:3306/database) to this package's schema.

  --print          print the SQL of the pending steps; change nothing
  --table-prefix   the plugin's tablePrefix option (default wx_)
  --help, -h       this text`

export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
}

const processIo: CliIo = {
  out: text => { process.stdout.write(text + '\n') },
  err: text => { process.stderr.write(text + '\n') }
}

/** The plan as a script a DBA can review and run by hand. */
export function planSql (plan: MigrationPlan): string {
  if (plan.steps.length === 0) return `-- wx-login schema: at version ${plan.from}, nothing to apply`
  const blocks = [`-- wx-login schema: version ${plan.from} -> ${plan.to}`]
  if (plan.setup.length > 0) blocks.push(plan.setup.map(sql => `${sql};`).join('\n'))
  for (const step of plan.steps) {
    blocks.push([`-- step ${step.version}: ${step.name}`, ...step.statements.map(sql => `${sql};`)].join('\n'))
  }
  return blocks.join('\n\n')
}

function parse (argv: string[]): { print: boolean, url: string, tablePrefix: string, help: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      print: { type: 'boolean', default: false },
      'table-prefix': { type: 'string', default: 'wx_' },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) return { print: false, url: '', tablePrefix: '', help: true }
  if (positionals.length !== 1) throw new Error('give exactly one <mysql-url>')
  return { print: values.print, url: positionals[0]!, tablePrefix: values['table-prefix'], help: false }
}

export async function main (argv: string[], io: CliIo = processIo): Promise<number> {
  let args
  try {
    args = parse(argv)
  } catch (error) {
    io.err(`wx-login-migrate: ${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (args.help) {
    io.out(USAGE)
    return 0
  }
  let db: mysql.Connection | undefined
  try {
    // One connection: it holds migrate's lock and runs every statement.
    db = await mysql.createConnection(args.url)
    const client = db as unknown as SqlClient
    if (args.print) {
      io.out(planSql(await planMigration(client, args.tablePrefix, migrationSteps)))
    } else {
      const report = await migrate(client, { tablePrefix: args.tablePrefix })
      io.out(report.applied.length === 0
        ? `wx-login schema: at version ${report.to}, nothing to apply`
        : `wx-login schema: version ${report.from} -> ${report.to} (${report.applied.map(s => `${s.version} ${s.name}`).join(', ')})`)
    }
    return 0
  } catch (error) {
    // The message only: the URL, which may hold a password, is never printed.
    io.err(`wx-login-migrate: ${(error as Error).message}`)
    return 1
  } finally {
    await db?.end()
  }
}

function isEntryPoint (): boolean {
  const entry = process.argv[1]
  // The bin is reached through node_modules/.bin symlinks: compare real paths.
  return entry !== undefined && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
}

if (isEntryPoint()) process.exitCode = await main(process.argv.slice(2))
