// CI runs the bench small (--smoke) so it cannot rot: the table must come out
// with every row and sane figures. It asserts no speed: this is not a timed test.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import t from 'tap'
import { benchUser, ioredisSessionStore } from '../src/bench/anchors.js'
import { countDelta } from '../src/bench/counters.js'
import { readServiceCpu, serviceCpuDelta } from '../src/bench/cpu.js'
import { median } from '../src/bench/load.js'
import { parseBenchArgs, touchIntervalMs } from '../src/bench/options.js'
import { steadyRowsPerRequest } from '../src/bench/steady-writes.js'
import { requireWrk } from '../src/bench/wrk.js'
import { MYSQL_SERVER_URL, ownRedisPrefix, REDIS_URL } from './fixtures/services.js'

const demo = fileURLToPath(new URL('..', import.meta.url))
const bench = fileURLToPath(new URL('../dist/bench/main.js', import.meta.url))

const rows = (output: string): Map<string, string[]> => new Map(output.split('\n')
  .filter(line => line.startsWith('| ') && !line.startsWith('| route') && !line.startsWith('| ---'))
  .map(line => line.slice(2, -2).split(' | '))
  .map(cells => [cells[0]!, cells.slice(1)]))
const num = (cell: string | undefined): number => Number((cell ?? '').replace(/,/g, '').replace(/ B$/, ''))

t.test('pnpm bench --smoke prints the whole table with sane numbers', { timeout: 120_000, skip: existsSync(bench) ? false : 'build first (pnpm build)' }, async t => {
  const profiles = mkdtempSync(join(tmpdir(), 'wx-login-bench-test-'))
  t.teardown(() => rmSync(profiles, { recursive: true, force: true }))
  const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
    execFile(process.execPath, [bench, '--smoke', '--profile', profiles], { cwd: demo, timeout: 110_000, env: { ...process.env, MYSQL_URL: MYSQL_SERVER_URL, REDIS_URL } }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${err.message}\n${stdout}\n${stderr}`))
      else resolve({ stdout })
    })
  })
  const table = rows(stdout)
  t.match(stdout, /setup: 2,000 sessions .* in [\d.]+ s/, 'says how long creating the sessions took')
  t.match(stdout, /last-seen interval 1\.0 s; each protected run follows a sweep: .* used every session once at a random moment of [\d.]+ s \(the interval \+ N \/ rate\)/, 'says when last-seen writes are due, and that they are spread before each protected run')
  for (const name of ['public GET /api/ping (baseline)', 'protected GET /api/me (wx-login)', 'anchor: one Redis GET per request',
    'anchor: @fastify/jwt verify', 'anchor: @fastify/session, Redis store']) {
    const cells = table.get(name)
    t.ok(cells, `row: ${name}`)
    const [rps, ratio, p50, p99, redis, mysql, rowsWritten, diskReads, cpu, , failed] = cells ?? []
    t.ok(num(rps) > 0, `${name}: req/s`)
    t.ok(num(ratio) > 0, `${name}: ratio to public`)
    t.ok(num(p50) > 0 && num(p99) >= num(p50), `${name}: p50 <= p99`)
    t.ok(num(redis) >= 0 && num(mysql) >= 0 && num(rowsWritten) >= 0 && num(diskReads) >= 0, `${name}: store counts`)
    t.equal(num(failed), 0, `${name}: no failed requests`)
    // MariaDB and Redis run on this machine (the test services), so all three are read.
    const [server, mariadb, redisCpu] = (cpu ?? '').split(' / ').map(num)
    t.ok(server! > 0 && mariadb! >= 0 && redisCpu! >= 0, `${name}: CPU per request of the server, MariaDB and Redis (${cpu ?? 'missing'})`)
  }
  t.equal(table.get('public GET /api/ping (baseline)')?.[1], '1.00')
  t.ok(num(table.get('anchor: one Redis GET per request')?.[4]) >= 1, 'the Redis anchor costs at least its GET')
  t.ok(num(table.get('anchor: one Redis GET per request')?.[8]?.split(' / ')[2]) > 0, 'and Redis spends CPU on it')
  // Due every second here, and written in batches a second apart: a 1 s run's
  // batch can land in the next route's run, so the two are counted together.
  t.ok(num(table.get('protected GET /api/me (wx-login)')?.[6]) + num(table.get('anchor: one Redis GET per request')?.[6]) > 0,
    'last-seen writes show as rows written')
  t.match(table.get('protected GET /api/me (wx-login)')?.[9], /^-?[\d,]+ B \(buffers -?[\d,]+ B\)$/, 'RSS and buffer bytes per cached session')
  t.match(stdout, /local cache: 2,000 sessions cached .* with the cache off\), -?[\d,]+ B a session; of which its buffers -?[\d,]+ B/, 'memory against a probe with the cache off')
  t.match(stdout, /ratio to public per round: \/api\/me [\d.]+;/, 'each round\'s ratios')
  t.match(stdout, /last-seen writes: continuous traffic at the protected route's rate would write [\d.]+ rows a request \(uniform: each session once per interval plus the wait for its next use\)/, 'rows written against continuous traffic')
  t.match(stdout, /MariaDB: the sessions table and its indexes take [\d.,]+ MB, its buffer pool \(innodb_buffer_pool_size\) [\d.,]+ MB/, 'the table against the buffer pool')
  const login = table.get('login POST /auth/wechat/login (autocannon -c 50, mock)')
  t.ok(login !== undefined && num(login[0]) > 0, 'login row')
  t.ok(login !== undefined && num(login[6]) >= 1, 'a login writes at least its session row')
  t.match(stdout, /CPU profiles of the first server .* µs a protected request/, 'profiles the protected route against the public one')
  t.match(stdout, /login CPU profile of the server: [\d,]+ µs busy a login/, 'profiles the logins')
  t.ok(existsSync(join(profiles, 'api-me-1.cpuprofile')) && existsSync(join(profiles, 'login.cpuprofile')), 'keeps the .cpuprofile files')
})

t.test('last-seen rows continuous traffic writes, by distribution', async t => {
  // Uniform: N sessions at rate R, each used every N / R s.
  t.equal(steadyRowsPerRequest(100, 'uniform', 60, 10), 100 / (60 + 10) / 10)
  // Zipf over two sessions: weights 1 and 1/2 of 1.5, so rates 2R/3 and R/3.
  t.equal(steadyRowsPerRequest(2, 'zipf', 60, 3), (1 / (60 + 1 / 2) + 1 / (60 + 1)) / 3)
  // The rarely used tail is written at nearly every use: fewer rows than uniform, but not the few the head alone would write.
  const zipf = steadyRowsPerRequest(100_000, 'zipf', 60, 21_422)
  t.ok(zipf > 0.05 && zipf < steadyRowsPerRequest(100_000, 'uniform', 60, 21_422), `Zipf at 100k: ${zipf.toFixed(3)} rows a request`)
})

t.test('bench flags', async t => {
  t.same(parseBenchArgs([]), { sessions: 100_000, dist: 'uniform', instances: 1, duration: 10, rounds: 3, connections: 50, idleTtl: 6000, warmup: 5, smoke: false })
  t.match(parseBenchArgs(['--', '--sessions', '1000000', '--dist', 'zipf', '--instances', '2', '--duration', '20', '--rounds', '5', '--connections', '100', '--idle-ttl', '100', '--warmup', '2']),
    { sessions: 1_000_000, dist: 'zipf', instances: 2, duration: 20, rounds: 5, connections: 100, idleTtl: 100, warmup: 2 })
  t.match(parseBenchArgs(['--smoke', '--sessions', '500']), { smoke: true, sessions: 500, duration: 1, rounds: 1 }, 'explicit flags win over --smoke')
  t.throws(() => parseBenchArgs(['--dist', 'pareto']), /--dist is uniform or zipf/)
  t.throws(() => parseBenchArgs(['--instances', '3']), /--instances is 1 or 2/)
  t.throws(() => parseBenchArgs(['--sessions']), /--sessions needs a number/)
  t.throws(() => parseBenchArgs(['--fast']), /unknown flag --fast/)
  t.match(parseBenchArgs(['--last-seen-interval', '600']), { lastSeenInterval: 600, idleTtl: 6000 })
  t.equal(touchIntervalMs({ idleTtl: 100 }), 1000)
  t.equal(touchIntervalMs({ idleTtl: 7 * 24 * 3600 }), 60_000)
  t.equal(touchIntervalMs({ idleTtl: 6000, lastSeenInterval: 600 }), 600_000, 'a given interval wins')
})

t.test('bench helpers', async t => {
  t.equal(median([3, 1, 2]), 2)
  t.equal(median([4, 1, 2, 3]), 2.5)
  const delta = countDelta({ redis: new Map([['get', 10], ['info', 5]]), mysql: 100, mysqlRows: 50, mysqlDiskReads: 7 },
    { redis: new Map([['get', 40], ['info', 6], ['eval', 3]]), mysql: 108, mysqlRows: 62, mysqlDiskReads: 7 })
  t.same(delta, { redis: 33, mysql: 7, mysqlRows: 12, mysqlDiskReads: 0, redisByCommand: [['get', 30], ['eval', 3]] }, 'without the readings themselves, new commands included')
  // The test services run on this machine, so /proc has both.
  const cpu = readServiceCpu()
  t.ok(cpu.mariadb !== undefined && cpu.mariadb > 0 && cpu.redis !== undefined && cpu.redis > 0, 'finds MariaDB and Redis and their CPU time')
  t.same(serviceCpuDelta({ redis: 100 }, { mariadb: 50, redis: 130 }), { redis: 30 }, 'only services read both times')
  t.throws(() => requireWrk('wx-login-bench-no-such-wrk'), /needs wrk[\s\S]*apt-get install -y wrk/, 'says how to install wrk')
})

t.test('the @fastify/session anchor store keeps sessions in Redis', async t => {
  const redis = new Redis(REDIS_URL)
  t.teardown(() => redis.quit())
  const store = ioredisSessionStore(redis, ownRedisPrefix(t, 'bench-session'))
  const call = (fn: (cb: (err?: unknown, value?: unknown) => void) => void): Promise<unknown> =>
    new Promise((resolve, reject) => fn((err, value) => { if (err) reject(err); else resolve(value) }))
  const session = { cookie: { originalMaxAge: 60_000 }, user: benchUser(0) }
  await call(cb => store.set('s1', session as never, cb))
  t.same(await call(cb => store.get('s1', cb)), session)
  await call(cb => store.destroy('s1', cb))
  t.equal(await call(cb => store.get('s1', cb)), null)
})
