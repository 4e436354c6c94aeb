/** Table names with the configured prefix, quoted for SQL. */
export interface TableNames {
  users: string
  sessions: string
}

export const TABLE_PREFIX_PATTERN = /^[A-Za-z0-9_]{0,32}$/

export function tableNames (tablePrefix: string): TableNames {
  if (!TABLE_PREFIX_PATTERN.test(tablePrefix)) {
    throw new Error(`tablePrefix must match ${TABLE_PREFIX_PATTERN}`)
  }
  return { users: `\`${tablePrefix}users\``, sessions: `\`${tablePrefix}sessions\`` }
}

/**
 * The schema, for teams that run migrations themselves. Times are epoch
 * milliseconds (BIGINT) so they never depend on a connection's time zone.
 * Sessions are keyed by SHA-256(token): a leaked table holds no usable token.
 */
export function schemaSql (tablePrefix = 'wx_'): string[] {
  const t = tableNames(tablePrefix)
  return [
    `CREATE TABLE IF NOT EXISTS ${t.users} (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  appid VARCHAR(64) NOT NULL,
  openid VARCHAR(128) NOT NULL,
  unionid VARCHAR(128) NULL,
  phone_number VARCHAR(32) NULL,
  pure_phone_number VARCHAR(32) NULL,
  country_code VARCHAR(8) NULL,
  session_key_enc VARBINARY(255) NULL,
  created_at BIGINT NOT NULL,
  UNIQUE KEY uq_app_openid (appid, openid),
  KEY idx_unionid (unionid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `CREATE TABLE IF NOT EXISTS ${t.sessions} (
  token_hash BINARY(32) NOT NULL PRIMARY KEY,
  user_id VARCHAR(64) NOT NULL,
  user_data TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  revoked_at BIGINT NULL,
  KEY idx_user (user_id, created_at),
  KEY idx_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`
  ]
}
