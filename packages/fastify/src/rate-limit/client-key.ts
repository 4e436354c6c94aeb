import { isIP } from 'node:net'

/** What unparseable addresses (a forged X-Forwarded-For, a closed socket) share: garbage earns no budget of its own. */
export const UNKNOWN_CLIENT = 'unknown'

/**
 * The rate-limit identity of a client address. One IPv6 subscriber gets a
 * whole /64 and can rotate through it freely, so IPv6 counts per /64.
 * `::ffff:a.b.c.d` is an IPv4 client on a dual-stack socket and counts as
 * `a.b.c.d`. Other IPv4-in-IPv6 forms (IPv4-compatible `::a.b.c.d`,
 * SIIT `::ffff:0:a.b.c.d`) never arrive from the Internet; they fall into
 * the single `0:0:0:0::/64` group, which only errs towards limiting.
 */
export function clientKey (address: string | undefined): string {
  if (typeof address !== 'string') return UNKNOWN_CLIENT
  const zone = address.indexOf('%')
  const bare = zone === -1 ? address : address.slice(0, zone)
  const family = isIP(bare)
  if (family === 4) return bare
  if (family !== 6) return UNKNOWN_CLIENT
  const groups = ipv6Groups(bare)
  if (groups.slice(0, 5).every(group => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.')
  }
  return `${groups.slice(0, 4).map(group => group.toString(16)).join(':')}::/64`
}

/** The eight 16-bit groups of an address `isIP` accepted as IPv6. */
function ipv6Groups (address: string): number[] {
  let text = address
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text)
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number]
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head, tail] = text.split('::') as [string, string | undefined]
  const parse = (part: string | undefined): number[] => part === undefined || part === '' ? [] : part.split(':').map(group => parseInt(group, 16))
  const left = parse(head)
  const right = parse(tail)
  const zeros = tail === undefined ? [] : new Array<number>(8 - left.length - right.length).fill(0)
  return [...left, ...zeros, ...right]
}
