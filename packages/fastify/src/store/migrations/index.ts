/**
 * The schema's steps. To change the schema, add a step; never edit one that
 * has shipped (databases recorded it as done):
 *
 * 1. A file `000N-what-it-does.ts` exporting a MigrationStep with the next
 *    version and its changes (createTable, addColumn, addKey from ./changes.js).
 * 2. One line below exporting it. Order and numbering are checked at import.
 *
 * Each change is idempotent by construction (it checks information_schema
 * first), so a step that died half way is finished by the next migrate.
 * A change that is not DDL (a backfill) needs the same property: write it so
 * it can run twice.
 *
 * Rows written by earlier versions stay as they are: new columns are NULL or
 * have a default, and the code keeps reading old rows, notably
 * sessions.user_data, a JSON snapshot of the user taken at login that lives
 * as long as the token.
 */
export { createTables } from './0001-create-tables.js'
export { revocationsAndBans } from './0002-revocations-and-bans.js'
export { sessionLifecycle } from './0003-session-lifecycle.js'
