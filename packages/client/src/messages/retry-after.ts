/** The `retry-after` header's seconds (the server sends seconds, never a date), or undefined. */
export function retryAfterSeconds (header: Record<string, string> | undefined): number | undefined {
  // wx hands headers over in whatever case the server (or a proxy) wrote them.
  for (const name in header) {
    const value = name.toLowerCase() === 'retry-after' ? String(header[name]).trim() : ''
    if (/^\d+$/.test(value) && Number(value) > 0) return Number(value)
  }
  return undefined
}
