import { createTable } from './changes.js'
import type { MigrationStep } from './step.js'

/**
 * The schema of 0.1, before the version table existed. Times are epoch
 * milliseconds (BIGINT) so they never depend on a connection's time zone.
 * Sessions are keyed by SHA-256(token): a leaked table holds no usable token.
 *
 * A users row is one WeChat identity (appid, openid). With linkByUnionId, the
 * first identity of a person is the application user (user_id NULL,
 * union_owner = unionid, unique); identities from other apps of the same
 * Open Platform group get rows of their own whose user_id points to it.
 * session_keys are per identity, sealed with AES-256-GCM (see session-key-box).
 */
export const createTables: MigrationStep = {
  version: 1,
  name: 'create-tables',
  changes: [
    createTable('users', [
      'id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY',
      'appid VARCHAR(64) NOT NULL',
      'openid VARCHAR(128) NOT NULL',
      'unionid VARCHAR(128) NULL',
      'phone_number VARCHAR(32) NULL',
      'pure_phone_number VARCHAR(32) NULL',
      'country_code VARCHAR(8) NULL',
      'phone_at BIGINT NULL',
      'user_id BIGINT UNSIGNED NULL',
      'union_owner VARCHAR(128) NULL',
      'created_at BIGINT NOT NULL',
      'UNIQUE KEY uq_app_openid (appid, openid)',
      'UNIQUE KEY uq_union_owner (union_owner)',
      'KEY idx_unionid (unionid)',
      'KEY idx_user (user_id)'
    ]),
    createTable('sessions', [
      'token_hash BINARY(32) NOT NULL PRIMARY KEY',
      'user_id VARCHAR(64) NOT NULL',
      'user_data TEXT NOT NULL',
      'created_at BIGINT NOT NULL',
      'expires_at BIGINT NOT NULL',
      'last_seen_at BIGINT NOT NULL',
      'revoked_at BIGINT NULL',
      'KEY idx_user (user_id, created_at)',
      'KEY idx_expires (expires_at)'
    ]),
    createTable('session_keys', [
      'appid VARCHAR(64) NOT NULL',
      'openid VARCHAR(128) NOT NULL',
      'session_key_enc VARBINARY(255) NOT NULL',
      'updated_at BIGINT NOT NULL',
      'PRIMARY KEY (appid, openid)'
    ])
  ]
}
