/** One call the mock received on a WeChat endpoint, as GET /mock/calls reports it. */
export interface MockCall {
  /** Mock clock time (ms) when the call arrived. */
  at: number
  method: string
  path: string
  query: Record<string, unknown>
  body: unknown
  /** errcode of the answer (0 for a success), null when there was no JSON answer (HTTP fault, drop). */
  errcode: number | null
  /** HTTP status of the answer, null when the connection was dropped. */
  status: number | null
}

/** Parameters that are credentials: never kept, so a test report or log cannot leak them. */
const REDACTED_KEYS = new Set(['secret', 'js_code', 'code', 'access_token', 'session_key'])
export const REDACTED = '***'

export function redactParams (params: unknown): unknown {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return params
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, REDACTED_KEYS.has(key) ? REDACTED : value]))
}

/** A URL with its credential parameters masked, for logs. */
export function redactUrl (url: string): string {
  const queryStart = url.indexOf('?')
  if (queryStart === -1) return url
  const params = new URLSearchParams(url.slice(queryStart + 1))
  for (const key of params.keys()) if (REDACTED_KEYS.has(key)) params.set(key, REDACTED)
  return `${url.slice(0, queryStart)}?${params.toString().replaceAll('%2A', '*')}`
}

/** Keeps the most recent calls, bounded, so a long-running mock does not grow. */
const MAX_CALLS = 10_000

export class CallLog {
  readonly #calls: MockCall[] = []

  record (call: Omit<MockCall, 'errcode' | 'status' | 'query' | 'body'> & { query: unknown, body: unknown }): MockCall {
    const entry: MockCall = {
      at: call.at,
      method: call.method,
      path: call.path,
      query: redactParams(call.query) as Record<string, unknown>,
      // null rather than undefined so a bodiless call still shows `body` in JSON.
      body: redactParams(call.body) ?? null,
      errcode: null,
      status: null
    }
    this.#calls.push(entry)
    if (this.#calls.length > MAX_CALLS) this.#calls.shift()
    return entry
  }

  list (path?: string): MockCall[] {
    return this.#calls.filter((call) => path === undefined || call.path === path).map((call) => ({ ...call }))
  }

  clear (): void {
    this.#calls.length = 0
  }
}
