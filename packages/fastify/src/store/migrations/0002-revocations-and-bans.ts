import { addColumn, addKey, createTable } from './changes.js'
import type { MigrationStep } from './step.js'

/**
 * Revocations that hold under races and outages, and bans (issue 11).
 *
 * A revoked session stays revocation_pending = 1 until Redis has dropped its
 * copies, and a ban stays sessions_ended = 0 until the user's sessions are
 * revoked: durable to-do lists that any instance finishes (replay.ts), so no
 * crash or Redis outage loses a logout or a ban. Rows written earlier get 0:
 * they were revoked (or are live) under the old code, whose Redis copies
 * lived under other keys that the new code never reads.
 */
export const revocationsAndBans: MigrationStep = {
  version: 2,
  name: 'revocations-and-bans',
  changes: [
    addColumn('sessions', 'revocation_pending TINYINT(1) NOT NULL DEFAULT 0'),
    addKey('sessions', 'KEY idx_revocation_pending (revocation_pending, revoked_at)'),
    createTable('bans', [
      'user_id VARCHAR(64) NOT NULL PRIMARY KEY',
      'banned_until BIGINT NULL',
      'reason VARCHAR(255) NULL',
      'created_at BIGINT NOT NULL',
      'sessions_ended TINYINT(1) NOT NULL DEFAULT 0',
      'KEY idx_sessions_ended (sessions_ended)'
    ])
  ]
}
