import type { Redis } from 'ioredis'
import type { Connection } from 'mysql2/promise'

// What a run cost the shared stores, from server-wide counters: Redis INFO
// commandstats and MariaDB's status (statements, rows written, and reads the
// buffer pool missed). They count every client, so another program using the
// same servers shows up; the public route, which touches neither store, shows
// that floor in the same run.

export interface StoreCounts {
  redis: Map<string, number>
  mysql: number
  /** Rows inserted, updated or deleted (MariaDB's Handler_* counters). */
  mysqlRows: number
  /** Pages InnoDB had to read from disk: the buffer pool did not hold them. */
  mysqlDiskReads: number
}

const STATUS = ['Questions', 'Handler_write', 'Handler_update', 'Handler_delete', 'Innodb_buffer_pool_reads']

export async function readCounts (redis: Redis, mysql: Connection): Promise<StoreCounts> {
  const info = await redis.info('commandstats')
  const commands = new Map<string, number>()
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line)
    if (match !== null) commands.set(match[1]!, Number(match[2]))
  }
  const [rows] = await mysql.query(`SHOW GLOBAL STATUS WHERE Variable_name IN (${STATUS.map(() => '?').join(', ')})`, STATUS)
  const status = new Map((rows as Array<{ Variable_name: string, Value: string }>).map(row => [row.Variable_name, Number(row.Value)]))
  const read = (name: string): number => status.get(name) ?? 0
  return {
    redis: commands,
    mysql: read('Questions'),
    mysqlRows: read('Handler_write') + read('Handler_update') + read('Handler_delete'),
    mysqlDiskReads: read('Innodb_buffer_pool_reads')
  }
}

export interface CountDelta {
  redis: number
  mysql: number
  mysqlRows: number
  mysqlDiskReads: number
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
  return {
    redis: byCommand.reduce((sum, [, n]) => sum + n, 0),
    mysql: Math.max(0, after.mysql - before.mysql - 1),
    mysqlRows: after.mysqlRows - before.mysqlRows,
    mysqlDiskReads: after.mysqlDiskReads - before.mysqlDiskReads,
    redisByCommand: byCommand
  }
}

/**
 * The sessions table with its indexes against InnoDB's buffer pool: when it
 * does not fit, each last-seen write may read its page from disk.
 */
export async function sessionsTableFit (mysql: Connection, database: string): Promise<{ tableBytes: number, bufferPoolBytes: number }> {
  const [tables] = await mysql.query(
    "SELECT data_length + index_length AS bytes FROM information_schema.tables WHERE table_schema = ? AND table_name LIKE '%sessions'", [database])
  const [pool] = await mysql.query('SELECT @@innodb_buffer_pool_size AS bytes')
  return {
    tableBytes: (tables as Array<{ bytes: number | string }>).reduce((sum, row) => sum + Number(row.bytes), 0),
    bufferPoolBytes: Number((pool as Array<{ bytes: number | string }>)[0]!.bytes)
  }
}
