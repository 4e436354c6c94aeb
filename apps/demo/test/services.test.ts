import t from 'tap'
import { chooseBackend, detectBackend, probeMysql, probeRedis, START_MARIADB, START_REDIS } from '../src/services.js'
import { closedPort, databaseExists, MYSQL_SERVER_URL, ownDatabase, REDIS_URL, silentServer } from './fixtures/services.js'

t.test('probes: the real services answer; closed and hung ports do not', async t => {
  const mysqlUrl = await ownDatabase(t, 'wxl_demo_probe')
  t.same(await probeMysql(mysqlUrl, 1500), { ok: true })
  t.equal(await databaseExists('wxl_demo_probe'), true, 'the probe creates the demo database')
  t.same(await probeRedis(REDIS_URL, 1500), { ok: true })

  const closed = await closedPort()
  t.same(await probeMysql(`mysql://root@127.0.0.1:${closed}/wx_login_demo`, 1500), { ok: false, reason: 'ECONNREFUSED' })
  t.same(await probeRedis(`redis://127.0.0.1:${closed}`, 1500), { ok: false, reason: 'ECONNREFUSED' })

  const hung = await silentServer(t)
  const started = Date.now()
  const [mysql, redis] = await Promise.all([
    probeMysql(`mysql://root@127.0.0.1:${hung}/wx_login_demo`, 300),
    probeRedis(`redis://127.0.0.1:${hung}`, 300)
  ])
  t.equal(mysql.ok, false)
  t.equal(redis.ok, false)
  t.ok(Date.now() - started < 1500, `a hung service is given up on quickly (${Date.now() - started} ms)`)
})

t.test('chooseBackend: MySQL and Redis when both answer, else memory with what to start', async t => {
  const urls = { mysqlUrl: 'mysql://root:pw@127.0.0.1:3306/wx_login_demo', redisUrl: 'redis://127.0.0.1:6379' }
  t.same(chooseBackend(urls, { ok: true }, { ok: true }), { kind: 'services', ...urls })

  const noMysql = chooseBackend(urls, { ok: false, reason: 'ECONNREFUSED' }, { ok: true })
  t.equal(noMysql.kind, 'memory')
  if (noMysql.kind !== 'memory') return
  t.equal(noMysql.problems.length, 1)
  t.match(noMysql.problems[0], /MySQL\/MariaDB is not reachable at mysql:\/\/root:\*\*\*@127\.0\.0\.1:3306\/wx_login_demo \(ECONNREFUSED\)/)
  t.ok(noMysql.problems[0]!.includes(START_MARIADB))
  t.match(noMysql.problems[0], /apt-get install -y mariadb-server/)
  t.notMatch(noMysql.problems[0], /pw/, 'no password in the warning')

  const noRedis = chooseBackend(urls, { ok: true }, { ok: false, reason: 'ETIMEDOUT' })
  t.equal(noRedis.kind, 'memory')
  if (noRedis.kind !== 'memory') return
  t.equal(noRedis.problems.length, 1)
  t.ok(noRedis.problems[0]!.includes(START_REDIS))
  t.match(noRedis.problems[0], /Redis is not reachable .*ETIMEDOUT/)

  const neither = chooseBackend(urls, { ok: false, reason: 'a' }, { ok: false, reason: 'b' })
  t.equal(neither.kind === 'memory' && neither.problems.length, 2)
})

t.test('detectBackend probes both', async t => {
  const mysqlUrl = await ownDatabase(t, 'wxl_demo_detect')
  t.same(await detectBackend({ mysqlUrl, redisUrl: REDIS_URL }), { kind: 'services', mysqlUrl, redisUrl: REDIS_URL })
  const closed = await closedPort()
  const down = await detectBackend({ mysqlUrl: `${MYSQL_SERVER_URL}/wxl_demo_detect`, redisUrl: `redis://127.0.0.1:${closed}` }, 500)
  t.equal(down.kind, 'memory')
  t.match(down.kind === 'memory' ? down.problems.join('\n') : '', /Redis is not reachable/)
})
