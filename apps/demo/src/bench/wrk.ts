import { spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Distribution } from './options.js'

// wrk, because each request must carry a different token: autocannon sends one
// fixed header set, so every request would hit the same cached session.
// The script reads one credential per line and picks one per request,
// uniformly or Zipf (s = 1, line k has weight 1/k, by binary search over the
// cumulative weights). With a second port, thread 2 loads the second server.
const SCRIPT = String.raw`
local file = os.getenv("WRK_TOKENS")
local header = os.getenv("WRK_HEADER")
local prefix = os.getenv("WRK_PREFIX")
local dist = os.getenv("WRK_DIST")
local second = os.getenv("WRK_SECOND_PORT")
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
  if second ~= nil and second ~= "" and threads % 2 == 0 then
    thread.addr = wrk.lookup("127.0.0.1", second)[1]
  end
end

local toks, n, cum, total

function init(args)
  math.randomseed(os.time() * 100 + (id or 1))
  toks = {}
  for line in io.lines(file) do
    if #line > 0 then toks[#toks + 1] = line end
  end
  n = #toks
  if dist == "zipf" then
    cum = {}
    local s = 0
    for k = 1, n do s = s + 1 / k; cum[k] = s end
    total = s
  end
end

local function pick()
  if cum == nil then return toks[math.random(n)] end
  local u = math.random() * total
  local lo, hi = 1, n
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cum[mid] < u then lo = mid + 1 else hi = mid end
  end
  return toks[lo]
end

function request()
  wrk.headers[header] = prefix .. pick()
  return wrk.format(nil, nil, wrk.headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"durationUs":%d,"non2xx":%d,"socketErrors":%d,"p50Us":%d,"p99Us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
`

export interface WrkResult {
  rps: number
  /** ms */
  p50: number
  p99: number
  requests: number
  non2xx: number
  socketErrors: number
}

export interface WrkRun {
  /** One URL per server; with two, the connections are split half/half. */
  urls: string[]
  path: string
  tokensFile: string
  /** Header carrying the credential, and what goes before it ('Bearer ', 'sessionId='). */
  header: string
  prefix: string
  dist: Distribution
  connections: number
  seconds: number
}

/** Fails with what to do when wrk is not installed: the bench installs nothing itself. */
export function requireWrk (command = 'wrk'): void {
  const probe = spawnSync(command, ['--version'], { encoding: 'utf8' })
  if (probe.error !== undefined) {
    throw new Error('pnpm bench needs wrk, which spreads requests over many tokens (autocannon sends one header set).\n' +
      'Install it first: on Debian/Ubuntu `apt-get install -y wrk`, on macOS `brew install wrk`.')
  }
}

export function writeWrkScript (dir: string): string {
  const file = join(dir, 'tokens.lua')
  writeFileSync(file, SCRIPT)
  return file
}

export async function runWrk (script: string, run: WrkRun): Promise<WrkResult> {
  const [first, second] = run.urls
  const url = new URL(run.path, first)
  const threads = run.urls.length
  const child = spawn('wrk', ['-t', String(threads), '-c', String(run.connections), '-d', `${run.seconds}s`, '--timeout', '10s', '-s', script, url.toString()], {
    env: {
      ...process.env,
      WRK_TOKENS: run.tokensFile,
      WRK_HEADER: run.header,
      WRK_PREFIX: run.prefix,
      WRK_DIST: run.dist,
      WRK_SECOND_PORT: second === undefined ? '' : new URL(second).port
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString() })
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  const line = out.split('\n').find(l => l.startsWith('WRK_RESULT '))
  if (code !== 0 || line === undefined) throw new Error(`wrk failed (exit ${code}): ${err || out}`)
  const r = JSON.parse(line.slice('WRK_RESULT '.length)) as { requests: number, durationUs: number, non2xx: number, socketErrors: number, p50Us: number, p99Us: number }
  return { rps: r.requests / (r.durationUs / 1e6), p50: r.p50Us / 1000, p99: r.p99Us / 1000, requests: r.requests, non2xx: r.non2xx, socketErrors: r.socketErrors }
}
