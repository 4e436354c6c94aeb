import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import t from 'tap'
import wxLogin, { memoryStores, type WxLoginDecoratorName, type WxLoginOptions, type WxUser } from '../src/index.js'
import { bearer, buildTestApp } from './fixtures/app.js'
import { bootWith } from './fixtures/boot.js'

// Loaded without its types: its `request.user` augmentation would retype
// request.user in every test of this program (the type tests cover that).
const fastifyJwt = createRequire(import.meta.url)('@fastify/jwt') as FastifyPluginAsync<{ secret: string, verify?: object }>
interface JwtApp { jwt: { sign (payload: object): string } }
interface JwtRequest { jwtVerify (): Promise<unknown> }

const jwtAfterWxLogin = fileURLToPath(new URL('./fixtures/jwt-after-wx-login.ts', import.meta.url))
const good = { appId: 'wxd0e1f2a3b4c5d6e7', appSecret: 's3cr3t', stores: memoryStores() }
// The tests' program declares no WxLoginTypes: typed code declares the name there.
const wxUser = 'wxUser' as WxLoginDecoratorName


t.test('@fastify/jwt first: our register fails, naming it and decoratorName', async t => {
  const err = await bootWith(async app => {
    await app.register(fastifyJwt, { secret: 'jwt-secret' })
    await app.register(wxLogin, good)
  })
  t.match(err?.message, /^@wx-login\/fastify: request\.user is already decorated, most likely by @fastify\/jwt, registered before this plugin\. Set this plugin's decoratorName option/)
})

t.test('@fastify/jwt second: its own boot error, which decoratorName avoids', async t => {
  // @fastify/jwt throws from its plugin function: an uncaught exception, so a process of its own.
  const child = spawn(process.execPath, [...process.execArgv, jwtAfterWxLogin], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', chunk => { output += String(chunk) })
  child.stderr.on('data', chunk => { output += String(chunk) })
  const [exitCode] = await once(child, 'exit') as [number | null]
  t.not(exitCode, 0, 'the boot fails')
  t.notMatch(output, /^ready$/m)
  t.match(output, /FST_ERR_DEC_ALREADY_PRESENT/)
  t.match(output, /The decorator 'user' has already been added/)
})

t.test('the boot error names @fastify/passport, or no one, by the other decorators', async t => {
  // What @fastify/passport's initialize() decorates (its userProperty is 'user').
  const passportLike = fp(async app => {
    app.decorateRequest('isAuthenticated', function () { return false })
    app.decorateRequest('user', null)
  })
  const viaPassport = await bootWith(async app => { await app.register(passportLike); await app.register(wxLogin, good) })
  t.match(viaPassport?.message, /most likely by @fastify\/passport, registered before this plugin/)

  const someone = fp(async app => { app.decorateRequest('member', null) })
  const other = await bootWith(async app => { await app.register(someone); await app.register(wxLogin, { ...good, decoratorName: 'member' as WxLoginDecoratorName }) })
  t.match(other?.message, /request\.member is already decorated, most likely by another plugin \(@fastify\/jwt and @fastify\/passport use request\.user\)/)
})

t.test('with decoratorName: wxUser, both plugins work side by side in either order, each on its own property', async t => {
  for (const jwtFirst of [true, false]) {
    const registerJwt = (app: FastifyInstance): void => {
      // The wx-login token travels in Authorization; the JWT in a header of its own.
      app.register(fastifyJwt, { secret: 'jwt-secret', verify: { extractToken: (request: { headers: Record<string, unknown> }) => request.headers['x-jwt'] } })
    }
    const { app, login } = await buildTestApp(t, `jwt_side_${jwtFirst ? 'first' : 'second'}`, {
      plugin: { decoratorName: wxUser } as Partial<WxLoginOptions>,
      before: async app => { if (jwtFirst) registerJwt(app) },
      setup: app => {
        if (!jwtFirst) registerJwt(app)
        app.get('/both', {
          onRequest: app.wxLogin.authenticate,
          preHandler: async request => { await (request as unknown as JwtRequest).jwtVerify() }
        }, async request => {
          const fields = request as unknown as { user: unknown, wxUser: WxUser | null }
          return { jwtUser: fields.user, wxUser: fields.wxUser, sessionId: request.wxSession?.sessionId }
        })
      }
    })
    const { token, user } = await login('hana')
    const jwt = (app as unknown as JwtApp).jwt.sign({ sub: 'admin', scope: 'ops' })
    const res = await app.inject({ url: '/both', headers: { ...bearer(token), 'x-jwt': jwt } })
    const order = jwtFirst ? 'jwt first' : 'jwt second'
    t.equal(res.statusCode, 200, order)
    const body = res.json()
    t.match(body.jwtUser, { sub: 'admin', scope: 'ops' }, `${order}: request.user is the JWT's`)
    t.equal(body.wxUser.id, user.id, `${order}: request.wxUser is ours`)
    t.type(body.sessionId, 'string', `${order}: request.wxSession is set`)
    t.equal((await app.inject({ url: '/both', headers: { 'x-jwt': jwt } })).statusCode, 401, `${order}: our hook still guards the route`)
  }
})
