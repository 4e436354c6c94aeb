import { readdirSync, readFileSync } from 'node:fs'

// CPU time per request, by process: the ratio to the public route measures the
// load generator on the same cores as much as the server, CPU time does not.
// The bench servers report their own (process.cpuUsage); MariaDB and Redis are
// read from /proc where they run on this machine (Linux), and left out where
// they do not.

/** Processes by the name the kernel gives them (/proc/<pid>/comm). */
const SERVICES = { mariadb: ['mariadbd', 'mysqld'], redis: ['redis-server'] } as const
export type Service = keyof typeof SERVICES

// USER_HZ: 100 on every Linux this bench runs on; /proc/<pid>/stat counts in it.
const TICK_US = 10_000

/** CPU µs used so far by each local service found, by name; absent if not found. */
export function readServiceCpu (): Partial<Record<Service, number>> {
  const found: Partial<Record<Service, number>> = {}
  let pids: string[]
  try {
    pids = readdirSync('/proc').filter(name => /^\d+$/.test(name))
  } catch {
    return found
  }
  for (const pid of pids) {
    let comm: string
    let stat: string
    try {
      comm = readFileSync(`/proc/${pid}/comm`, 'latin1').trim()
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    } catch {
      continue // gone since the listing
    }
    const service = (Object.keys(SERVICES) as Service[]).find(name => (SERVICES[name] as readonly string[]).includes(comm))
    if (service === undefined) continue
    // Fields after the command (which may hold spaces): utime and stime are the 14th and 15th of the line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    found[service] = (found[service] ?? 0) + (Number(fields[11]) + Number(fields[12])) * TICK_US
  }
  return found
}

/** after - before for the services read both times. */
export function serviceCpuDelta (before: Partial<Record<Service, number>>, after: Partial<Record<Service, number>>): Partial<Record<Service, number>> {
  const delta: Partial<Record<Service, number>> = {}
  for (const service of Object.keys(after) as Service[]) {
    const start = before[service]
    if (start !== undefined) delta[service] = after[service]! - start
  }
  return delta
}
