import { createHash } from 'node:crypto'

/**
 * A session's id is derived from the hash of its first token: opaque (it
 * reveals neither the token nor its hash), stable across refreshes (the new
 * token's row carries it), and computable for rows and cache entries written
 * before sessions had ids, so no backfill is needed. SESSION_ID_SQL is the
 * same function in SQL, for those old rows.
 */
export function sessionIdOf (firstTokenHash: string): string {
  return createHash('sha256').update(`wx-login-session:${firstTokenHash}`).digest('hex').slice(0, 32)
}

/** `sessionIdOf` for a row of the sessions table: its stored id, or the one derived from its token hash. */
export const SESSION_ID_SQL = "COALESCE(session_id, LEFT(SHA2(CONCAT('wx-login-session:', LOWER(HEX(token_hash))), 256), 32))"
