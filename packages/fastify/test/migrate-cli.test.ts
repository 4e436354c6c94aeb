import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { main } from '../src/migrate-cli.js'
import { migrationSteps } from '../src/store/migrations/steps.js'
import { runSql, schemaOf, schemaV1, versionsOf } from './fixtures/schema.js'
import { createDatabase } from './fixtures/services.js'

const allVersions = migrationSteps.map(step => [step.version, step.name])

/** Runs the CLI in-process: exit code and what it printed. */
async function cli (...argv: string[]): Promise<{ code: number, out: string, err: string }> {
  let out = ''
  let err = ''
  const code = await main(argv, { out: text => { out += text + '\n' }, err: text => { err += text + '\n' } })
  return { code, out, err }
}

let databases = 0
async function database (t: { teardown (fn: () => unknown): void }): Promise<string> {
  const db = await createDatabase(`wxl_fastify_migrate_cli_${++databases}`)
  t.teardown(() => db.drop())
  return db.url
}

t.test('--print on a database of 0.1 prints the pending SQL and changes nothing', async t => {
  const url = await database(t)
  await runSql(url, await schemaV1())
  const before = await schemaOf(url)
  const { code, out } = await cli('--print', url)
  t.equal(code, 0)
  t.match(out, /^-- wx-login schema: version 0 -> \d+\n\nCREATE TABLE IF NOT EXISTS `wx_schema_migrations` \(/)
  t.match(out, /-- step 1: create-tables\nINSERT INTO `wx_schema_migrations` \(version, name, applied_at\) VALUES \(1, 'create-tables', [^;]+\);/)
  t.notMatch(out, 'CREATE TABLE `wx_users`', 'tables it has are not created again')
  t.same(await schemaOf(url), before, 'nothing changed')

  const applied = await cli(url)
  t.same(applied, { code: 0, out: `wx-login schema: version 0 -> ${migrationSteps.length} (${migrationSteps.map(s => `${s.version} ${s.name}`).join(', ')})\n`, err: '' })
  t.same(await versionsOf(url), allVersions)
  t.same(await cli(url), { code: 0, out: `wx-login schema: at version ${migrationSteps.length}, nothing to apply\n`, err: '' })
  t.same(await cli('--print', url), { code: 0, out: `-- wx-login schema: at version ${migrationSteps.length}, nothing to apply\n`, err: '' })
})

t.test('the printed SQL, run by hand, gives what the CLI applies', async t => {
  const byHand = await database(t)
  const applied = await database(t)
  const { out } = await cli('--print', byHand, '--table-prefix', 'shop_')
  t.match(out, 'CREATE TABLE `shop_users`')
  await runSql(byHand, out)
  t.equal((await cli(applied, '--table-prefix', 'shop_')).code, 0)
  t.same(await schemaOf(byHand), await schemaOf(applied))
  t.same(await versionsOf(byHand, 'shop_'), allVersions)
  t.same(await versionsOf(applied, 'shop_'), allVersions)
})

t.test('usage, bad arguments and failures', async t => {
  t.match(await cli('--help'), { code: 0, out: /^usage: wx-login-migrate \[--print\] <mysql-url> \[--table-prefix wx_\]/ })
  t.match(await cli(), { code: 2, err: /give exactly one <mysql-url>\n\nusage:/ })
  t.match(await cli('--force', 'mysql://x'), { code: 2, err: /Unknown option '--force'/ })
  const url = await database(t)
  t.match(await cli('--print', url, '--table-prefix', 'no-dashes'), { code: 1, err: /tablePrefix must match/ })
  t.match(await cli('mysql://root@127.0.0.1:3306'), { code: 1, err: /no database selected/ })
  const denied = await cli(url.replace('root@', 'root:not-the-password@'))
  t.equal(denied.code, 1)
  t.match(denied.err, /^wx-login-migrate: Access denied/)
  t.notMatch(denied.err, 'not-the-password', 'the password in the URL is never printed')
})

t.test('the bin runs as its own process', async t => {
  const url = await database(t)
  const bin = fileURLToPath(new URL('../src/migrate-cli.ts', import.meta.url))
  const child = spawn(process.execPath, [...process.execArgv, bin, url], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', chunk => { out += String(chunk) })
  const [code] = await once(child, 'exit')
  t.equal(code, 0)
  t.match(out, /^wx-login schema: version 0 -> /)
  t.same(await versionsOf(url), allVersions)
})
