// The bench's command line: `pnpm bench -- --sessions 100000 --dist zipf ...`.

export type Distribution = 'uniform' | 'zipf'

export interface BenchOptions {
  /** Live sessions created up front, for the plugin and for every anchor. */
  sessions: number
  /** How requests pick a session: every one alike, or Zipf with s = 1 over their rank. */
  dist: Distribution
  /** Server processes behind the same MariaDB and Redis; the load is split half/half. */
  instances: 1 | 2
  /** Seconds each route is loaded per round. */
  duration: number
  rounds: number
  connections: number
  /** The plugin's idleTtl, seconds. */
  idleTtl: number
  /** The plugin's lastSeenInterval, seconds; by default its own, min(idleTtl / 100, 60 s). */
  lastSeenInterval?: number
  /** Seconds each route is loaded once before the measured rounds. */
  warmup: number
  smoke: boolean
  /** A directory for CPU profiles of the first server during the protected runs; none by default. */
  profile?: string
}

const DEFAULTS: BenchOptions = { sessions: 100_000, dist: 'uniform', instances: 1, duration: 10, rounds: 3, connections: 50, idleTtl: 6000, warmup: 5, smoke: false }
// A few seconds of everything at a tiny N: CI runs it so the bench cannot rot.
const SMOKE: Partial<BenchOptions> = { sessions: 2000, duration: 1, rounds: 1, connections: 10, idleTtl: 100, warmup: 1 }

export const USAGE = `usage: pnpm bench -- [--sessions N] [--dist uniform|zipf] [--instances 1|2] [--duration S] [--rounds R]
                     [--connections C] [--idle-ttl S] [--last-seen-interval S] [--warmup S] [--profile DIR] [--smoke]`

/** Parses argv (without node and the script); explicit flags win over --smoke's. */
export function parseBenchArgs (argv: string[]): BenchOptions {
  const given: Partial<BenchOptions> = {}
  let smoke = false
  const number = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value)
    if (value === undefined || !Number.isFinite(n) || n < min) throw new Error(`${flag} needs a number >= ${min}\n${USAGE}`)
    return n
  }
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!
    const value = argv[i + 1]
    switch (flag) {
      case '--': continue
      case '--smoke': smoke = true; continue
      case '--sessions': given.sessions = Math.floor(number(flag, value, 1)); break
      case '--duration': given.duration = number(flag, value, 1); break
      case '--rounds': given.rounds = Math.floor(number(flag, value, 1)); break
      case '--connections': given.connections = Math.floor(number(flag, value, 2)); break
      case '--idle-ttl': given.idleTtl = number(flag, value, 1); break
      case '--last-seen-interval': given.lastSeenInterval = number(flag, value, 1); break
      case '--warmup': given.warmup = number(flag, value, 1); break
      case '--profile':
        if (value === undefined) throw new Error(`--profile needs a directory\n${USAGE}`)
        given.profile = value
        break
      case '--dist':
        if (value !== 'uniform' && value !== 'zipf') throw new Error(`--dist is uniform or zipf\n${USAGE}`)
        given.dist = value
        break
      case '--instances':
        if (value !== '1' && value !== '2') throw new Error(`--instances is 1 or 2\n${USAGE}`)
        given.instances = value === '1' ? 1 : 2
        break
      default: throw new Error(`unknown flag ${flag}\n${USAGE}`)
    }
    i++
  }
  return { ...DEFAULTS, ...(smoke ? SMOKE : {}), ...given, smoke }
}

/** The plugin's last-seen interval (ms): the one given, else the plugin's default for the idleTtl. */
export const touchIntervalMs = (options: Pick<BenchOptions, 'idleTtl' | 'lastSeenInterval'>): number =>
  options.lastSeenInterval !== undefined ? options.lastSeenInterval * 1000 : Math.min(options.idleTtl * 1000 / 100, 60_000)
