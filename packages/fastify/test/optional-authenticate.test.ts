import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { generateToken, memoryStores } from '../src/index.js'
import { bearer, buildTestApp } from './fixtures/app.js'

// Both ways to use the hook: as onRequest (callback style) and awaited.
function feedRoutes (app: FastifyInstance): void {
  const answer = async (request: { user: unknown, wxSession: { sessionId: string } | null }) =>
    ({ user: request.user, sessionId: request.wxSession?.sessionId ?? null })
  app.get('/feed', { onRequest: app.wxLogin.optionalAuthenticate }, answer)
  app.get('/feed-awaited', async (request, reply) => {
    await app.wxLogin.optionalAuthenticate(request, reply)
    return answer(request)
  })
}

t.test('optionalAuthenticate sets the user for a good token and null otherwise, never a 401', async t => {
  let now = Date.now()
  for (const localCache of [undefined, false] as const) {
    const name = localCache === false ? 'cold' : 'warm'
    const { app, login } = await buildTestApp(t, `optional_${name}`, {
      plugin: { tokenTtl: 60_000, idleTtl: 60_000, now: () => now, ...(localCache === false ? { localCache } : {}) },
      setup: feedRoutes
    })
    const get = async (url: string, headers: Record<string, string> = {}) => {
      const res = await app.inject({ url, headers })
      t.equal(res.statusCode, 200, `${name} ${url}: 200`)
      t.equal(res.headers['www-authenticate'], undefined, `${name} ${url}: no challenge`)
      return res.json() as { user: { id: number } | null, sessionId: string | null }
    }
    for (const url of ['/feed', '/feed-awaited']) {
      t.same(await get(url), { user: null, sessionId: null }, `${name} ${url}: no token, no user`)
      t.same(await get(url, bearer('not-a-token')), { user: null, sessionId: null }, `${name} ${url}: an unknown token is a visitor`)
    }

    const alice = await login('alice')
    for (const url of ['/feed', '/feed-awaited', '/feed', '/feed-awaited']) {
      const body = await get(url, bearer(alice.token))
      t.equal(body.user?.id, alice.user.id, `${name} ${url}: the user`)
      t.type(body.sessionId, 'string')
    }

    await app.wxLogin.revoke(alice.token)
    t.same(await get('/feed', bearer(alice.token)), { user: null, sessionId: null }, `${name}: a revoked token is a visitor`)

    const bob = await login('bob')
    await app.wxLogin.ban(bob.user.id)
    t.same(await get('/feed', bearer(bob.token)), { user: null, sessionId: null }, `${name}: a banned user is a visitor`)
    t.equal((await app.inject({ url: '/api/me', headers: bearer(bob.token) })).statusCode, 403, `${name}: authenticate still refuses the token (403)`)

    const carol = await login('carol')
    t.equal((await get('/feed', bearer(carol.token))).user?.id, carol.user.id)
    now += 120_000
    t.same(await get('/feed', bearer(carol.token)), { user: null, sessionId: null }, `${name}: an expired token is a visitor`)
    t.same(await get('/feed-awaited', bearer(carol.token)), { user: null, sessionId: null })
  }
})

t.test('optionalAuthenticate still answers 503 when the store fails: not knowing is not "logged out"', async t => {
  const stores = memoryStores()
  const failing = {
    ...stores,
    cache: { available: false, get: async () => null, add: async () => {}, refresh: async () => {}, revoke: async () => {} },
    sessions: { ...stores.sessions, find: async () => { throw new Error('the database went away') } }
  }
  const { app } = await buildTestApp(t, 'optional_store', { plugin: { stores: failing, localCache: false }, setup: feedRoutes })
  for (const url of ['/feed', '/feed-awaited']) {
    const res = await app.inject({ url, headers: bearer(generateToken()) })
    t.equal(res.statusCode, 503, url)
    t.equal(res.json().code, 'FST_WX_LOGIN_STORE_UNAVAILABLE')
  }
  t.equal((await app.inject({ url: '/feed' })).statusCode, 200, 'no token: no store call, a visitor')
})
