/** What every wx network API shares: fetch with wx's timeout, abort and errMsg conventions. */
import { fail, type WxFailure } from './async-api.js'

export const DEFAULT_TIMEOUT_MS = 60_000

/** The no-op listener methods of RequestTask, UploadTask and DownloadTask. */
const listenerMethods = {
  onHeadersReceived () {},
  offHeadersReceived () {},
  onChunkReceived () {},
  offChunkReceived () {},
  onProgressUpdate () {},
  offProgressUpdate () {}
}

export interface NetworkTask {
  abort(): void
  onHeadersReceived(): void
  offHeadersReceived(): void
  onChunkReceived(): void
  offChunkReceived(): void
  onProgressUpdate(): void
  offProgressUpdate(): void
}

export interface Transfer {
  task: NetworkTask
  /** Runs fetch; rejects with `{ errMsg: '<api>:fail …' }` on network failure, timeout or abort. */
  fetch(url: string, init: RequestInit): Promise<Response>
  /** Reads a body under the same timeout and abort as the fetch. */
  read<T>(body: Promise<T>): Promise<T>
  done(): void
}

/** Opens one transfer for the wx API `api` ('request', 'uploadFile', …). */
export function openTransfer (api: string, timeout: number | undefined): Transfer {
  const controller = new AbortController()
  let reason: 'abort' | 'timeout' | undefined
  const timer = setTimeout(() => {
    reason = 'timeout'
    controller.abort()
  }, timeout !== undefined && timeout > 0 ? timeout : DEFAULT_TIMEOUT_MS)

  function failure (err: unknown): WxFailure {
    if (reason !== undefined) return fail(`${api}:fail ${reason}`)
    // undici puts the system error (ECONNREFUSED, …) in `cause`.
    const cause = (err as { cause?: { message?: string } }).cause
    return fail(`${api}:fail ${cause?.message ?? (err as Error).message}`)
  }

  return {
    task: {
      ...listenerMethods,
      abort () {
        if (reason !== undefined || controller.signal.aborted) return
        reason = 'abort'
        controller.abort()
      }
    },
    async fetch (url, init) {
      try {
        return await fetch(url, { ...init, signal: controller.signal })
      } catch (err) {
        throw failure(err)
      }
    },
    async read (body) {
      try {
        return await body
      } catch (err) {
        throw failure(err)
      }
    },
    done () {
      clearTimeout(timer)
      // Past this point abort() must not report anything.
      reason ??= 'abort'
    }
  }
}

/** Header object as wx passes it: plain keys, values stringified. */
export function toHeaders (header: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(header ?? {})) {
    if (value !== undefined && value !== null) out[name] = String(value)
  }
  return out
}

export function fromHeaders (headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    out[name] = value
  })
  return out
}

export function findHeader (header: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(header)) {
    if (key.toLowerCase() === wanted) return value
  }
  return undefined
}
