import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import mysql from 'mysql2/promise'
import t from 'tap'
import { migrationSteps } from '../src/store/migrations/steps.js'
import { migrate, type SqlClient } from '../src/index.js'
import { runSql, schemaOf, schemaV1, versionsOf } from './fixtures/schema.js'
import { clearRedisPrefix, createDatabase, REDIS_URL } from './fixtures/services.js'

const fixture = fileURLToPath(new URL('./fixtures/boot-process.ts', import.meta.url))
const REDIS_PREFIX = 'wxl-test:migrate_processes:'

/** Starts app processes on the database, then lets them all boot at once; their exit codes and logs. */
async function bootTogether (dbUrl: string, count: number): Promise<Array<{ code: number | null, log: string }>> {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, [...process.execArgv, fixture, dbUrl, REDIS_URL, REDIS_PREFIX], { stdio: ['pipe', 'pipe', 'inherit'] }))
  const outputs = children.map(child => {
    let log = ''
    child.stdout!.on('data', chunk => { log += String(chunk) })
    return { child, read: () => log }
  })
  await Promise.all(outputs.map(async ({ child, read }) => {
    while (!read().includes('ready\n')) await once(child.stdout!, 'data')
  }))
  for (const { child } of outputs) child.stdin!.end('go\n')
  return await Promise.all(outputs.map(async ({ child, read }) => {
    const [code] = child.exitCode === null ? await once(child, 'exit') as [number | null] : [child.exitCode]
    return { code, log: read() }
  }))
}

t.teardown(() => clearRedisPrefix(REDIS_PREFIX))

let expected: Record<string, string>
t.before(async () => {
  const db = await createDatabase('wxl_fastify_migrate_processes_fresh')
  const conn = await mysql.createConnection(db.url)
  await migrate(conn as unknown as SqlClient)
  await conn.end()
  expected = await schemaOf(db.url)
  await db.drop()
})

const startingPoints: Record<string, (url: string) => Promise<void>> = {
  'a database of 0.1': async url => { await runSql(url, await schemaV1()) },
  'an empty database': async () => {}
}

for (const [i, [label, seed]] of Object.entries(startingPoints).entries()) {
  t.test(`two processes booting on ${label} at once: the steps run once`, async t => {
    const db = await createDatabase(`wxl_fastify_migrate_processes_${i}`)
    t.teardown(() => db.drop())
    await seed(db.url)
    const booted = await bootTogether(db.url, 2)
    t.same(booted.map(b => b.code), [0, 0], 'both booted')
    t.equal(booted.filter(b => b.log.includes('"msg":"schema migrated"')).length, 1, 'one of them migrated')
    t.same(await versionsOf(db.url), migrationSteps.map(step => [step.version, step.name]), 'one row per step')
    t.same(await schemaOf(db.url), expected, 'the schema of a fresh install')
  })
}
