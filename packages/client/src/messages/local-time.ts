const pad = (n: number): string => (n < 10 ? '0' : '') + n

/**
 * An ISO date-time as `YYYY-MM-DD HH:mm` in the device's time zone, or undefined when it is not a
 * date. By hand: mini-program runtimes may lack Intl, and toLocaleString differs between them.
 */
export function localTime (iso: string): string | undefined {
  const at = new Date(iso)
  if (isNaN(at.getTime())) return undefined
  return at.getFullYear() + '-' + pad(at.getMonth() + 1) + '-' + pad(at.getDate()) + ' ' + pad(at.getHours()) + ':' + pad(at.getMinutes())
}
