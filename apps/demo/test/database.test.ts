import t from 'tap'
import { databaseName, ensureDatabase } from '../src/database.js'
import { databaseExists, MYSQL_SERVER_URL, ownDatabase } from './fixtures/services.js'

t.test('ensureDatabase creates a missing database, and is harmless when it exists', async t => {
  const url = await ownDatabase(t, 'wxl_demo_ensure')
  t.equal(await databaseExists('wxl_demo_ensure'), false)
  t.equal(await ensureDatabase(url), 'wxl_demo_ensure')
  t.equal(await databaseExists('wxl_demo_ensure'), true)
  t.equal(await ensureDatabase(url), 'wxl_demo_ensure', 'a second run succeeds')
})

t.test('databaseName only accepts names safe to quote', async t => {
  t.equal(databaseName('mysql://root@h:3306/wx_login_demo'), 'wx_login_demo')
  t.throws(() => databaseName('mysql://root@h:3306'), /must name a database/)
  t.throws(() => databaseName('mysql://root@h:3306/a`b'), /must name a database/)
  t.throws(() => databaseName('mysql://root@h:3306/a%60b'), /must name a database/)
  await t.rejects(ensureDatabase(`${MYSQL_SERVER_URL}/bad-name`), /must name a database/, 'checked before connecting')
})
