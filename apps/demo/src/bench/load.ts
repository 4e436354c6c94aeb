import autocannon from 'autocannon'

export interface LoadResult {
  rps: number
  p50: number
  p99: number
  non2xx: number
}

export interface LoadOptions {
  url: string
  connections?: number
  seconds?: number
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  /** A fresh body per request (e.g. a new login code each time). */
  body?: () => string
}

/** One autocannon run against loopback. */
export async function load (options: LoadOptions): Promise<LoadResult> {
  const body = options.body
  const result = await autocannon({
    url: options.url,
    connections: options.connections ?? 50,
    duration: options.seconds ?? 5,
    method: options.method ?? 'GET',
    headers: options.headers,
    requests: body === undefined ? undefined : [{ setupRequest: request => ({ ...request, body: body() }) }]
  })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts
  }
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
