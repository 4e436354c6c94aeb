import fc from 'fast-check'
import t from 'tap'
import { bearer, buildTestApp } from './fixtures/app.js'

// Whatever a client sends: a 4xx with a JSON error code, never a 5xx or a crash.
const STABLE = /^FST_WX_LOGIN_[A-Z_]+$/

t.test('any login body: a 4xx JSON error with a stable code, never a 5xx', async t => {
  const { app } = await buildTestApp(t, 'property_bodies', { plugin: { wechatRetries: 0, rateLimit: false } })
  const code = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 140 }),
    fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
    fc.array(fc.string()), fc.dictionary(fc.string(), fc.string())
  )
  const body = fc.oneof(
    fc.record({ code }, { requiredKeys: [] }),
    fc.record({ code, extra: fc.jsonValue() }),
    fc.jsonValue(),
    fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'code'), fc.jsonValue())
  )
  await fc.assert(fc.asyncProperty(body, async payload => {
    const res = await app.inject({ method: 'POST', url: '/auth/wechat/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) ?? '' })
    if (res.statusCode >= 500 || res.statusCode < 400) return false
    const answer = res.json()
    return STABLE.test(answer.code) && typeof answer.message === 'string' && answer.statusCode === res.statusCode
  }), { numRuns: 300 })
  t.pass('300 generated bodies answered 4xx with a stable code')

  await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 2000 }), async raw => {
    const res = await app.inject({ method: 'POST', url: '/auth/wechat/login', headers: { 'content-type': 'application/json' }, payload: raw })
    return res.statusCode >= 400 && res.statusCode < 500 && STABLE.test(res.json().code)
  }), { numRuns: 200 })
  t.pass('200 generated raw payloads answered 4xx with a stable code')
})

t.test('any Authorization header: 401 with a stable code, never a 5xx', async t => {
  const { app, login } = await buildTestApp(t, 'property_headers')
  const { token } = await login('alice')
  // What an HTTP client can put in a header: visible ASCII, spaces and tabs, no CR/LF/NUL.
  const headerChar = fc.integer({ min: 0x09, max: 0x7e }).filter(c => c === 0x09 || c >= 0x20).map(c => String.fromCharCode(c))
  const header = fc.oneof(
    fc.string({ unit: headerChar, maxLength: 600 }),
    fc.string({ unit: headerChar, maxLength: 60 }).map(s => `Bearer ${s}`),
    fc.nat({ max: token.length - 1 }).map(i => `Bearer ${token.slice(0, i)}${token.slice(i + 1)}`),
    fc.nat({ max: token.length - 1 }).map(i => `Bearer ${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`)
  )
  await fc.assert(fc.asyncProperty(header, async authorization => {
    const res = await app.inject({ url: '/api/me', headers: { authorization } })
    return res.statusCode === 401 && STABLE.test(res.json().code)
  }), { numRuns: 400 })
  t.pass('400 generated headers answered 401 with a stable code')
  t.equal((await app.inject({ url: '/api/me', headers: bearer(token) })).statusCode, 200, 'the real token still works')
})
