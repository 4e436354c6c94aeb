import autocannon from 'autocannon'

export interface LoginLoadResult {
  rps: number
  /** ms */
  p50: number
  p99: number
  non2xx: number
}

/**
 * Logins under load: autocannon, because each request needs a fresh body
 * (a new code from the mock), which its setupRequest gives.
 */
export async function loadLogins (url: string, options: { connections: number, seconds: number, body: () => string }): Promise<LoginLoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: request => ({ ...request, body: options.body() }) }]
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
