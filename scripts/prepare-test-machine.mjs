#!/usr/bin/env node
// Run first by `pnpm test`: makes a fresh machine of the project's kind (Node 20,
// MariaDB and Redis installed, running or not) ready for the suites. It starts
// MariaDB and Redis when they do not answer and installs Debian's chromium when
// /usr/bin/chromium is missing. When all is there it only probes: well under a second.
import { spawnSync } from 'node:child_process'
import { accessSync, constants, existsSync } from 'node:fs'
import { connect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

const HOST = '127.0.0.1'
const CHROMIUM = '/usr/bin/chromium'
const WAIT_MS = 60_000

const log = message => console.log(`[prepare-test-machine] ${message}`)

/** Connects, optionally writes, and resolves with the first bytes the server sends (or null). */
function firstReply (port, request, timeoutMs = 1000) {
  return new Promise(resolve => {
    const socket = connect({ host: HOST, port })
    const done = reply => { socket.destroy(); resolve(reply) }
    socket.setTimeout(timeoutMs, () => done(null))
    socket.once('error', () => done(null))
    socket.once('data', data => done(data))
    if (request !== undefined) socket.once('connect', () => socket.write(request))
  })
}

// A MariaDB server greets every new connection first; Redis answers PING with +PONG.
export const mariadbAnswers = async (port = 3306) => (await firstReply(port)) !== null
export const redisAnswers = async (port = 6379) => (await firstReply(port, 'PING\r\n'))?.toString().startsWith('+PONG') === true

function onPath (command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0
}

function run (command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options })
  return result.status === 0
}

/** Runs a command with its output held back, shown only when it fails (dpkg prints hundreds of lines). */
function quietly (command, args, env) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (result.status === 0) return true
  process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}\n`)
  return false
}

async function waitFor (answers, ms = WAIT_MS) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await answers()) return true
    await sleep(250)
  }
  return false
}

/** Returns a problem to report, or null when the service answers. */
export async function ensureRedis (port = 6379) {
  if (await redisAnswers(port)) return null
  if (!onPath('redis-server')) return `Redis does not answer on ${HOST}:${port} and redis-server is not installed: apt-get install -y redis-server`
  log(`starting Redis on ${HOST}:${port}`)
  run('redis-server', ['--daemonize', 'yes', '--bind', HOST, '-::1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  return await waitFor(() => redisAnswers(port)) ? null : `Redis was started but does not answer on ${HOST}:${port}`
}

export async function ensureMariadb (port = 3306) {
  if (await mariadbAnswers(port)) return null
  const mariadbd = '/usr/sbin/mariadbd'
  if (!isExecutable(mariadbd)) return `MariaDB does not answer on ${HOST}:${port} and ${mariadbd} is not installed: apt-get install -y mariadb-server`
  log(`starting MariaDB (${mariadbd})`)
  // Debian's init script makes the socket and pid folder; a container that never ran it has none.
  if (!existsSync('/run/mysqld') && process.getuid?.() === 0) run('install', ['-d', '-o', 'mysql', '-g', 'mysql', '/run/mysqld'])
  run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', mariadbd])
  return await waitFor(() => mariadbAnswers(port)) ? null : `MariaDB was started but does not answer on ${HOST}:${port}`
}

function isExecutable (path) {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

export function ensureChromium () {
  if (isExecutable(CHROMIUM)) return null
  const install = 'apt-get install -y chromium'
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    return `${CHROMIUM} is missing (the playground's browser test drives it): run \`sudo ${install}\`, then pnpm test again`
  }
  log(`${CHROMIUM} is missing: installing Debian's chromium (a few minutes, once)`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  // Another apt run (a second test run, unattended upgrades) may hold the lock for a while.
  const lock = ['-o', 'DPkg::Lock::Timeout=300']
  const ok = quietly('apt-get', [...lock, 'update', '-qq'], env) &&
    quietly('apt-get', [...lock, 'install', '-y', '-qq', 'chromium'], env)
  if (ok && isExecutable(CHROMIUM)) return null
  return `installing chromium failed (see above): run \`${install}\` by hand`
}

async function main () {
  const problems = [ensureChromium(), ...await Promise.all([ensureMariadb(), ensureRedis()])].filter(p => p !== null)
  if (problems.length === 0) return
  for (const problem of problems) console.error(`[prepare-test-machine] ${problem}`)
  process.exitCode = 1
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
