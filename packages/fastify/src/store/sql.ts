/** Table names with the configured prefix, quoted for SQL. */
export interface TableNames {
  users: string
  sessions: string
  sessionKeys: string
  bans: string
}

export const TABLE_PREFIX_PATTERN = /^[A-Za-z0-9_]{0,32}$/

export function tableNames (tablePrefix: string): TableNames {
  if (!TABLE_PREFIX_PATTERN.test(tablePrefix)) {
    throw new Error(`tablePrefix must match ${TABLE_PREFIX_PATTERN}`)
  }
  return {
    users: `\`${tablePrefix}users\``,
    sessions: `\`${tablePrefix}sessions\``,
    sessionKeys: `\`${tablePrefix}session_keys\``,
    bans: `\`${tablePrefix}bans\``
  }
}
