import type { Redis } from 'ioredis'
import type { Connection } from 'mysql2/promise'

// What a run cost the shared stores, from server-wide counters: Redis INFO
// commandstats and MariaDB's Questions. They count every client, so another
// program using the same servers shows up; the public route, which touches
// neither store, shows that floor in the same run.

export interface StoreCounts {
  redis: Map<string, number>
  mysql: number
}

export async function readCounts (redis: Redis, mysql: Connection): Promise<StoreCounts> {
  const info = await redis.info('commandstats')
  const commands = new Map<string, number>()
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line)
    if (match !== null) commands.set(match[1]!, Number(match[2]))
  }
  const [rows] = await mysql.query("SHOW GLOBAL STATUS LIKE 'Questions'")
  const questions = Number((rows as Array<{ Value: string }>)[0]!.Value)
  return { redis: commands, mysql: questions }
}

export interface CountDelta {
  redis: number
  mysql: number
  /** Redis commands by name, most called first. */
  redisByCommand: Array<[string, number]>
}

/** after - before, without the INFO and SHOW that took the readings. */
export function countDelta (before: StoreCounts, after: StoreCounts): CountDelta {
  const byCommand: Array<[string, number]> = []
  for (const [name, calls] of after.redis) {
    const delta = calls - (before.redis.get(name) ?? 0) - (name === 'info' ? 1 : 0)
    if (delta > 0) byCommand.push([name, delta])
  }
  byCommand.sort((a, b) => b[1] - a[1])
  return { redis: byCommand.reduce((sum, [, n]) => sum + n, 0), mysql: Math.max(0, after.mysql - before.mysql - 1), redisByCommand: byCommand }
}
