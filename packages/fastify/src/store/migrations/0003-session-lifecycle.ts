import { addColumn, addKey } from './changes.js'
import type { MigrationStep } from './step.js'

/**
 * Sessions with a lifecycle (issue 12): an id that survives refreshes, the
 * device and address they were opened from, and why they ended.
 *
 * Rows written earlier keep NULL in every new column and still read right:
 * their id is derived from their token hash (session-id.ts, the same
 * function as SESSION_ID_SQL), their device and ip are unknown, and a
 * revoked one without a reason answers "revoked".
 */
export const sessionLifecycle: MigrationStep = {
  version: 3,
  name: 'session-lifecycle',
  changes: [
    addColumn('sessions', 'session_id CHAR(32) NULL'),
    addColumn('sessions', 'end_reason VARCHAR(16) NULL'),
    addColumn('sessions', 'device TEXT NULL'),
    addColumn('sessions', 'ip VARCHAR(45) NULL'),
    addKey('sessions', 'KEY idx_session_id (session_id)')
  ]
}
