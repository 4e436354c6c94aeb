import fastifyMysql from '@fastify/mysql'
import fastifyRedis from '@fastify/redis'
import Fastify from 'fastify'
import mysql from 'mysql2/promise'
import t from 'tap'
import wxLogin, { migrate, schemaSql, type SqlClient } from '../src/index.js'
import { migrationLockName } from '../src/store/migration-lock.js'
import { planMigration } from '../src/store/migration-plan.js'
import { migrateTo } from '../src/store/migrate.js'
import { addColumn, addKey, createTable } from '../src/store/migrations/changes.js'
import { orderSteps, schemaModel, type MigrationStep } from '../src/store/migrations/step.js'
import { migrationSteps } from '../src/store/migrations/steps.js'
import { schemaStatements } from '../src/store/schema-sql.js'
import { runSql, schemaOf, schemaV1, versionsOf } from './fixtures/schema.js'
import { clearRedisPrefix, createDatabase, ignoreRedisErrors, MYSQL_URL, REDIS_URL } from './fixtures/services.js'

interface Tap { teardown (fn: () => unknown): void }

// A next step as a teammate would add it (a table, columns and keys on an
// existing one): every check below runs on the shipped steps and on these.
const nextStep: MigrationStep = {
  version: migrationSteps.length + 1,
  name: 'test-next-step',
  changes: [
    createTable('audit_log', [
      'id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY',
      'user_id BIGINT UNSIGNED NOT NULL',
      'reason VARCHAR(255) NULL',
      'created_at BIGINT NOT NULL',
      'KEY idx_user (user_id)'
    ]),
    addColumn('sessions', 'audit_ip VARCHAR(45) NULL'),
    addColumn('sessions', 'audited_at BIGINT NULL'),
    addKey('sessions', 'KEY idx_audit_ip (audit_ip)'),
    addKey('audit_log', 'UNIQUE KEY uq_user_created (user_id, created_at)')
  ]
}
const stepLists: Record<string, readonly MigrationStep[]> = {
  'the shipped steps': migrationSteps,
  'the shipped steps and a next one': [...migrationSteps, nextStep]
}
const allVersions = (steps: readonly MigrationStep[]) => steps.map(step => [step.version, step.name])

let databases = 0
/** A database of this test's own, and a pool on it (what @fastify/mysql gives the plugin). */
async function database (t: Tap): Promise<{ url: string, pool: SqlClient }> {
  const db = await createDatabase(`wxl_fastify_migrations_${++databases}`)
  const pool = mysql.createPool({ uri: db.url, connectionLimit: 3 })
  t.teardown(async () => { await pool.end(); await db.drop() })
  return { url: db.url, pool: pool as unknown as SqlClient }
}

for (const [label, steps] of Object.entries(stepLists)) {
  t.test(`${label}: a fresh install, schemaSql and an upgrade from every earlier version end in one schema`, async t => {
    const fresh = await database(t)
    t.match(await migrateTo(fresh.pool, {}, steps), { from: 0, to: steps.length, applied: allVersions(steps).map(([version, name]) => ({ version, name })) })
    const expected = await schemaOf(fresh.url)
    t.same(Object.keys(expected).sort(), ['wx_schema_migrations', ...[...schemaModel(steps).keys()].map(name => `wx_${name}`)].sort())
    t.same(await versionsOf(fresh.url), allVersions(steps))

    const selfManaged = await database(t)
    await runSql(selfManaged.url, schemaStatements('wx_', steps))
    t.same(await schemaOf(selfManaged.url), expected, 'schemaSql')
    t.same(await versionsOf(selfManaged.url), allVersions(steps), 'schemaSql records every step')
    t.same(await migrateTo(selfManaged.pool, {}, steps), { from: steps.length, to: steps.length, applied: [] }, 'and migrate finds nothing to do')

    for (let version = 1; version < steps.length; version++) {
      const older = await database(t)
      await migrateTo(older.pool, {}, steps.slice(0, version))
      t.match(await migrateTo(older.pool, {}, steps), { from: version, to: steps.length })
      t.same(await schemaOf(older.url), expected, `upgraded from version ${version}`)
      t.same(await versionsOf(older.url), allVersions(steps))
    }

    const legacy = await database(t)
    await runSql(legacy.url, await schemaV1())
    await migrateTo(legacy.pool, {}, steps)
    t.same(await schemaOf(legacy.url), expected, 'upgraded from a database of 0.1, before the version table')
  })

  t.test(`${label}: a step that stopped half way is completed by the next migrate`, async t => {
    const reference = await database(t)
    await migrateTo(reference.pool, {}, steps)
    const expected = await schemaOf(reference.url)
    for (const step of steps) {
      // j changes of the step ran, then the process died before its version row.
      for (let j = 1; j <= step.changes.length; j++) {
        const { url, pool } = await database(t)
        await migrateTo(pool, {}, steps.slice(0, step.version - 1))
        await runSql(url, step.changes.slice(0, j).map(change => change.sql('wx_')))
        const plan = await planMigration(pool, 'wx_', steps)
        t.equal(plan.from, step.version - 1)
        t.equal(plan.steps[0]!.statements.length, step.changes.length - j + 1, `step ${step.version} after ${j} changes: only the missing changes are planned, then the version row`)
        t.match(await migrateTo(pool, {}, steps), { from: step.version - 1, to: steps.length })
        t.same(await schemaOf(url), expected, `step ${step.version} completed after ${j} of its changes`)
        t.same(await versionsOf(url), allVersions(steps))
      }
    }
  })
}

t.test('schemaSql is the schema the shipped steps build, for any table prefix', async t => {
  t.same(schemaSql(), schemaStatements('wx_', migrationSteps))
  t.same(schemaSql('shop_'), schemaStatements('shop_', migrationSteps))
  t.match(schemaSql().at(-1), /^INSERT INTO `wx_schema_migrations` \(version, name, applied_at\) VALUES \(1, 'create-tables', /)
  t.throws(() => schemaSql('bad-prefix!'), /tablePrefix must match/)
})

t.test('a database of 0.1 (the tables, no version table) is recorded as version 1 without any DDL', async t => {
  const { url, pool } = await database(t)
  await runSql(url, await schemaV1())
  const plan = await planMigration(pool, 'wx_', migrationSteps)
  t.equal(plan.from, 0)
  t.match(plan.steps[0]!.statements, [/^INSERT INTO `wx_schema_migrations`/], 'step 1 plans its version row only')
  t.equal(plan.steps[0]!.statements.length, 1)
  t.match(await migrate(pool), { from: 0, applied: [{ version: 1, name: 'create-tables' }, { version: 2, name: 'revocations-and-bans' }, { version: 3, name: 'session-lifecycle' }] })
  t.same((await versionsOf(url))[0], [1, 'create-tables'])
  const [rows] = await pool.query('SELECT COUNT(*) AS n FROM wx_users') as [Array<{ n: number }>, unknown]
  t.equal(Number(rows[0]!.n), 3, 'the rows are untouched')
})

t.test('an empty database is version 0: the version table and every step are planned', async t => {
  const { pool } = await database(t)
  const plan = await planMigration(pool, 'wx_', migrationSteps)
  t.match(plan, { from: 0, to: migrationSteps.length, setup: [/^CREATE TABLE IF NOT EXISTS `wx_schema_migrations`/] })
  t.same(plan.steps.map(step => step.version), migrationSteps.map(step => step.version))
})

t.test('a database newer than the code refuses to boot, and is left as it is', async t => {
  const { url, pool } = await database(t)
  await migrate(pool)
  const future = migrationSteps.length + 1
  await pool.query('INSERT INTO wx_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [future, 'from-a-newer-release', Date.now()])
  const before = await schemaOf(url)

  const app = Fastify()
  t.teardown(async () => { await app.close(); await clearRedisPrefix('wxl-test:migrations_newer:') })
  await app.register(fastifyMysql, { promise: true, connectionString: url })
  await app.register(fastifyRedis, { url: REDIS_URL })
  ignoreRedisErrors(app.redis)
  app.register(wxLogin, { appId: 'wx1', appSecret: 's', redisPrefix: 'wxl-test:migrations_newer:' })
  await t.rejects(async () => { await app.ready() }, {
    code: 'FST_WX_LOGIN_SCHEMA_TOO_NEW',
    message: `The database schema is at version ${future}, but this @wx-login/fastify knows versions up to ${migrationSteps.length}: upgrade @wx-login/fastify (a schema is never downgraded)`
  })
  await t.rejects(planMigration(pool, 'wx_', migrationSteps), { code: 'FST_WX_LOGIN_SCHEMA_TOO_NEW' }, 'the CLI refuses it too')
  t.same(await schemaOf(url), before, 'nothing was changed')
  t.equal((await versionsOf(url)).length, migrationSteps.length + 1)
})

t.test('migrations wait for the lock of their database and prefix; a lock held too long fails with a clear error', async t => {
  const { url, pool } = await database(t)
  const holder = await mysql.createConnection(url)
  t.teardown(() => holder.end())
  const name = migrationLockName(url.split('/').pop()!, 'wx_')
  t.equal(name, 'wx-login:migrate:wxl_fastify_migrations_' + databases + '.wx_')
  await holder.query('SELECT GET_LOCK(?, 0)', [name])

  const started = Date.now()
  await t.rejects(migrate(pool, { lockTimeout: 1 }), {
    code: 'FST_WX_LOGIN_MIGRATION_LOCKED',
    message: `Another instance held the schema migration lock ${name} for over 1 s; boot again once it is done`
  })
  t.ok(Date.now() - started >= 900, 'it waited for the lock')
  t.same(await schemaOf(url), {}, 'and changed nothing')
  t.match(await migrate(pool, { tablePrefix: 'other_', lockTimeout: 1 }), { from: 0 }, 'another prefix has a lock of its own')

  const waiting = migrate(pool, { lockTimeout: 10 })
  await new Promise(resolve => setTimeout(resolve, 300))
  await holder.query('SELECT RELEASE_LOCK(?)', [name])
  t.match(await waiting, { from: 0, to: migrationSteps.length }, 'it runs once the lock is free')
  const [[free]] = await holder.query('SELECT IS_USED_LOCK(?) AS owner', [name]) as [Array<{ owner: number | null }>, unknown]
  t.equal(free!.owner, null, 'and releases it')
})

t.test('five migrations at once on one database: one applies the steps, the others find them done', async t => {
  const { url } = await database(t)
  const pools = Array.from({ length: 5 }, () => mysql.createPool({ uri: url, connectionLimit: 2 }))
  t.teardown(() => Promise.all(pools.map(pool => pool.end())))
  const reports = await Promise.all(pools.map(pool => migrate(pool as unknown as SqlClient)))
  t.equal(reports.filter(report => report.applied.length > 0).length, 1)
  t.same(await versionsOf(url), allVersions(migrationSteps))
})

t.test('a single connection (no getConnection) holds the lock itself; it must have a database', async t => {
  const { url } = await database(t)
  const conn = await mysql.createConnection(url)
  t.teardown(() => conn.end())
  t.match(await migrate(conn as unknown as SqlClient), { from: 0, to: migrationSteps.length })
  const none = await mysql.createConnection(MYSQL_URL)
  t.teardown(() => none.end())
  await t.rejects(migrate(none as unknown as SqlClient), /no database selected/)
  await t.rejects(migrate(conn as unknown as SqlClient, { tablePrefix: 'bad-prefix!' }), /tablePrefix must match/)
})

t.test('two prefixes in one database are two schemas with versions of their own', async t => {
  const { url, pool } = await database(t)
  await migrate(pool, { tablePrefix: 'shop_' })
  await migrate(pool, { tablePrefix: 'game_' })
  t.same(await versionsOf(url, 'shop_'), allVersions(migrationSteps))
  t.same(await versionsOf(url, 'game_'), allVersions(migrationSteps))
  t.equal(Object.keys(await schemaOf(url)).length, 2 * (schemaModel(migrationSteps).size + 1))
})

t.test('a lock name over MySQL\'s 64 characters is hashed', async t => {
  const name = migrationLockName('d'.repeat(64), 'p'.repeat(32))
  t.ok(name.length <= 64)
  t.match(name, /^wx-login:migrate:[0-9a-f]{40}$/)
  t.not(name, migrationLockName('d'.repeat(64), 'q'.repeat(32)))
})

t.test('a broken step list fails at import, not half way through a migration', async t => {
  const step = (version: number, name = `step-${version}`): MigrationStep => ({ version, name, changes: [] })
  t.same(orderSteps([step(2), step(1)]).map(s => s.version), [1, 2], 'listed in any order')
  t.throws(() => orderSteps([step(1), step(3)]), /numbered 1 to 2; found 1, 3/)
  t.throws(() => orderSteps([step(1), step(1)]), /numbered 1 to 2; found 1, 1/)
  t.throws(() => orderSteps([step(1, 'Create Tables')]), /step 1 needs a name of lowercase words and dashes/)
  t.throws(() => addKey('sessions', '(ip)'), /addKey needs a named key/)
  t.throws(() => addColumn('sessions', '`ip` INT'), /addColumn needs a column definition/)
  t.throws(() => schemaModel([{ version: 1, name: 'x', changes: [addColumn('nowhere', 'x INT')] }]), /changes the table nowhere before creating it/)
})
