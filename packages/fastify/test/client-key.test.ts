import t from 'tap'
import fc from 'fast-check'
import { clientKey, UNKNOWN_CLIENT } from '../src/rate-limit/client-key.js'

t.test('IPv4 is its own key', async t => {
  t.equal(clientKey('1.2.3.4'), '1.2.3.4')
  t.equal(clientKey('255.255.255.255'), '255.255.255.255')
  t.equal(clientKey('0.0.0.0'), '0.0.0.0')
})

t.test('IPv4 mapped into IPv6 (a dual-stack socket) shares the IPv4 key', async t => {
  t.equal(clientKey('::ffff:1.2.3.4'), '1.2.3.4')
  t.equal(clientKey('::FFFF:1.2.3.4'), '1.2.3.4', 'uppercase')
  t.equal(clientKey('::ffff:102:304'), '1.2.3.4', 'in hex')
  t.equal(clientKey('0:0:0:0:0:ffff:0102:0304'), '1.2.3.4', 'expanded, leading zeros')
  t.equal(clientKey('0000:0000:0000:0000:0000:FFFF:1.2.3.4'), '1.2.3.4', 'fully expanded with dotted tail')
  t.equal(clientKey('::ffff:255.255.255.255'), '255.255.255.255')
  t.equal(clientKey('::ffff:0.0.0.0'), '0.0.0.0')
})

t.test('one /64 is one key, however the address is written', async t => {
  const key = '2001:db8:0:0::/64'
  for (const address of [
    '2001:db8::1',
    '2001:db8::2',
    '2001:db8::ffff:ffff:ffff:ffff',
    '2001:DB8::ABCD',
    '2001:0db8:0000:0000:0000:0000:0000:0001',
    '2001:db8:0:0:1:2:3:4',
    '2001:db8::1:2:3:4',
    '2001:db8:0::5',
    '2001:db8::1.2.3.4',
    '2001:db8::1%eth0'
  ]) t.equal(clientKey(address), key, address)
})

t.test('different /64s are different keys', async t => {
  const keys = new Set(['2001:db8::1', '2001:db8:0:1::1', '2001:db8:1::1', '2001:db9::1', '2001:db8:0:ffff::1'].map(clientKey))
  t.equal(keys.size, 5)
  t.equal(clientKey('2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff'), '2001:db8:aaaa:bbbb::/64')
  t.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64', 'a zone id is dropped')
  t.equal(clientKey('FE80::1%25eth0'), 'fe80:0:0:0::/64')
})

t.test('the other IPv4-in-IPv6 forms stay in the one ::/64 group', async t => {
  // IPv4-compatible and SIIT addresses never come from the Internet; one shared group only errs towards limiting.
  t.equal(clientKey('::1'), '0:0:0:0::/64')
  t.equal(clientKey('::'), '0:0:0:0::/64')
  t.equal(clientKey('::1.2.3.4'), '0:0:0:0::/64')
  t.equal(clientKey('::ffff:0:1.2.3.4'), '0:0:0:0::/64')
  t.equal(clientKey('::1:ffff:1.2.3.4'), '0:0:0:0::/64', 'ffff in the wrong group is not a mapped address')
  t.equal(clientKey('64:ff9b::1.2.3.4'), '64:ff9b:0:0::/64')
})

t.test('garbage shares one key and never throws', async t => {
  for (const address of [
    undefined, '', ' ', 'unknown', 'localhost', '1.2.3', '1.2.3.4.5', '01.2.3.4', '256.1.1.1', '1.2.3.4:80',
    '[2001:db8::1]', '2001:db8::1::2', '2001:db8:::1', 'gggg::1', '1:2:3:4:5:6:7:8:9', ':::', '%eth0', '::ffff:1.2.3.256',
    '1.2.3.4, 5.6.7.8', '\u0000', 'x'.repeat(10_000), '2001:db8::1%', '::ffff:1.2.3.4%'
  ]) {
    const key = clientKey(address)
    t.ok(key === UNKNOWN_CLIENT || key.length < 40, JSON.stringify(address)?.slice(0, 40))
  }
  t.equal(clientKey('1.2.3.4, 5.6.7.8'), UNKNOWN_CLIENT, 'a forwarded list is not an address')
  t.equal(clientKey('x'.repeat(10_000)), UNKNOWN_CLIENT)
  t.equal(clientKey('[2001:db8::1]'), UNKNOWN_CLIENT)
  t.equal(clientKey(123 as unknown as string), UNKNOWN_CLIENT)
})

t.test('any string: no throw, and a key of bounded size', async t => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.ipV4(), fc.ipV4Extended(), fc.ipV6()), address => {
    const key = clientKey(address)
    return key === UNKNOWN_CLIENT || (key.length <= 24 && !key.includes('%'))
  }))
  fc.assert(fc.property(fc.ipV6(), fc.ipV6(), (a, b) => {
    // Rebuild b inside a's /64: the key must not change.
    const sameNet = `${expand(a).slice(0, 4).join(':')}:${expand(b).slice(4).join(':')}`
    return clientKey(sameNet) === clientKey(a) || clientKey(a).includes('.')
  }))
  t.pass('held for every generated address')
})

/** The eight groups of an IPv6 address, written the long way by the URL parser. */
function expand (address: string): string[] {
  const host = new URL(`http://[${address}]/`).hostname.slice(1, -1)
  const [head = '', tail] = host.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  return [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
}
