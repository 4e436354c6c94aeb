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

/**
 * The schema, for teams that run migrations themselves. Times are epoch
 * milliseconds (BIGINT) so they never depend on a connection's time zone.
 * Sessions are keyed by SHA-256(token): a leaked table holds no usable token.
 *
 * A users row is one WeChat identity (appid, openid). With linkByUnionId, the
 * first identity of a person is the application user (user_id NULL,
 * union_owner = unionid, unique); identities from other apps of the same
 * Open Platform group get rows of their own whose user_id points to it.
 * session_keys are per identity, sealed with AES-256-GCM (see session-key-box).
 * A revoked session stays revocation_pending until its cache copies are
 * gone, and a ban stays sessions_ended = 0 until the user's sessions are
 * revoked: the durable to-do lists any instance finishes (see replay.ts).
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
  phone_at BIGINT NULL,
  user_id BIGINT UNSIGNED NULL,
  union_owner VARCHAR(128) NULL,
  created_at BIGINT NOT NULL,
  UNIQUE KEY uq_app_openid (appid, openid),
  UNIQUE KEY uq_union_owner (union_owner),
  KEY idx_unionid (unionid),
  KEY idx_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `CREATE TABLE IF NOT EXISTS ${t.sessions} (
  token_hash BINARY(32) NOT NULL PRIMARY KEY,
  user_id VARCHAR(64) NOT NULL,
  user_data TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  revoked_at BIGINT NULL,
  revocation_pending TINYINT(1) NOT NULL DEFAULT 0,
  KEY idx_user (user_id, created_at),
  KEY idx_expires (expires_at),
  KEY idx_revocation_pending (revocation_pending, revoked_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `CREATE TABLE IF NOT EXISTS ${t.sessionKeys} (
  appid VARCHAR(64) NOT NULL,
  openid VARCHAR(128) NOT NULL,
  session_key_enc VARBINARY(255) NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (appid, openid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `CREATE TABLE IF NOT EXISTS ${t.bans} (
  user_id VARCHAR(64) NOT NULL PRIMARY KEY,
  banned_until BIGINT NULL,
  reason VARCHAR(255) NULL,
  created_at BIGINT NOT NULL,
  sessions_ended TINYINT(1) NOT NULL DEFAULT 0,
  KEY idx_sessions_ended (sessions_ended)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`
  ]
}
