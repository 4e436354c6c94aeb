import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import vm from 'node:vm'
import t from 'tap'
import type * as Client from '../src/index.js'
import { startTestServer } from './fixtures/server.js'

const server = await startTestServer(t, 'dist')
const file = new URL('../miniprogram_dist/index.js', import.meta.url)
const code = await readFile(file, 'utf8').catch(() => {
  throw new Error('miniprogram_dist/index.js is missing: run `pnpm --filter @wx-login/client build` first')
})

/**
 * Loads the CommonJS build the way the mini-program runtime does: the file
 * wrapped in a function of (module, exports, require), run in a realm whose
 * only non-language global is `wx`: no process, Buffer, URL, fetch or timers.
 */
function loadInMiniProgramRealm (wx: unknown): { exports: typeof Client, realm: vm.Context } {
  const realm = vm.createContext({ wx })
  const wrapper = vm.runInContext(`(function (module, exports, require) {\n${code}\n})`, realm, { filename: 'miniprogram_npm/@wx-login/client/index.js' }) as
    (module: { exports: unknown }, exports: unknown, require: (id: string) => never) => void
  const module = { exports: {} }
  wrapper(module, module.exports, (id) => { throw new Error(`the build required "${id}"`) })
  return { exports: module.exports as typeof Client, realm }
}

t.test('the CommonJS build is one self-contained ES2018 file', async (t) => {
  t.notMatch(code, /\brequire\(/, 'no require(): nothing for "build npm" to resolve')
  t.notMatch(code, /\b(process|Buffer|globalThis|setTimeout|fetch)\b/, 'no Node or timer globals')
  t.notMatch(code, /\?\.|\?\?/, 'no ES2020 syntax (optional chaining, nullish coalescing)')
  t.notMatch(code, /\bimport\b|\bexport\b/, 'no ES module syntax')
})

t.test('loaded in a realm with only `wx`, it logs in with the global wx and sends the token', async (t) => {
  const wx = server.newWx()
  const { exports, realm } = loadInMiniProgramRealm(wx)
  t.equal(vm.runInContext('typeof process + typeof Buffer + typeof require + typeof setTimeout', realm), 'undefinedundefinedundefinedundefined')
  t.same(Object.keys(exports).sort(), ['AuthError', 'LoginError', 'NetworkError', 'SessionEndedError', 'WxLoginError', 'createWxLogin'])

  const auth = exports.createWxLogin({ baseURL: server.baseURL })
  const res = await auth.request<{ openid: string }>({ url: '/api/me' })
  t.equal(res.statusCode, 200)
  t.type(res.data.openid, 'string')
  t.equal(wx.loginCount, 1)
  t.match(wx.getStorageSync('token'), { token: /\S{20,}/, expiresAt: /^\d{4}-/ })

  // A token the server does not know, as version 0.1 stored it (a bare string).
  wx.setStorageSync('token', 'unknown-to-the-server')
  const results = await Promise.all([1, 2, 3, 4].map(() => auth.request({ url: '/api/me' })))
  t.same(results.map((r) => r.statusCode), [200, 200, 200, 200])
  t.equal(wx.loginCount, 2, 'one shared re-login in the mini-program realm too')

  const err = await auth.request({ url: '/api/always-401' }).catch((e: unknown) => e)
  t.ok(err instanceof exports.AuthError)
  t.ok(err instanceof exports.WxLoginError)
  t.equal((err as Client.AuthError).statusCode, 401)

  await auth.logout()
  t.equal(auth.isLoggedIn(), false)
})

t.test('Node’s require of the package resolves to the CommonJS build', async (t) => {
  const require = createRequire(import.meta.url)
  const resolved = require.resolve('@wx-login/client')
  t.match(resolved, /miniprogram_dist[\\/]index\.js$/)
  const cjs = require('@wx-login/client') as typeof Client
  t.type(cjs.createWxLogin, 'function')
  const wx = server.newWx()
  const auth = cjs.createWxLogin({ baseURL: server.baseURL, wx })
  t.equal((await auth.request({ url: '/api/me' })).statusCode, 200)
})
