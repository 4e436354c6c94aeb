// A ban's end is shown in local time: a known zone for the assertion below.
process.env.TZ = 'Asia/Shanghai'

import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import vm from 'node:vm'
import t from 'tap'
import type * as Client from '../src/index.js'
import type * as Messages from '../src/messages.js'
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
function loadInMiniProgramRealm<T = typeof Client> (wx: unknown, source = code, name = 'index.js'): { exports: T, realm: vm.Context } {
  const realm = vm.createContext({ wx })
  const wrapper = vm.runInContext(`(function (module, exports, require) {\n${source}\n})`, realm, { filename: `miniprogram_npm/@wx-login/client/${name}` }) as
    (module: { exports: unknown }, exports: unknown, require: (id: string) => never) => void
  const module = { exports: {} }
  wrapper(module, module.exports, (id) => { throw new Error(`the build required "${id}"`) })
  return { exports: module.exports as T, realm }
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
  t.same(Object.keys(exports).sort(), ['AuthError', 'LoginError', 'NetworkError', 'SessionEndedError', 'WxLoginError', 'createWxLogin', 'refusalOf'])
  t.equal(exports.refusalOf('FST_WX_LOGIN_TOKEN_REVOKED'), 'revoked')

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

t.test('the messages are a second self-contained file, not part of the client’s', async (t) => {
  const messages = await readFile(new URL('../miniprogram_dist/messages.js', import.meta.url), 'utf8')
  t.notMatch(messages, /\brequire\(/, 'no require(): it loads on its own after "build npm"')
  t.notMatch(messages, /\?\.|\?\?/, 'no ES2020 syntax')
  t.notMatch(messages, /createWxLogin/, 'the client is not bundled into it')
  t.notMatch(code, /封禁|messageFor/, 'and no message table in the client’s entry')

  // Some mini-program runtimes have no Intl: take it away, with the Date methods that use it.
  const { exports, realm } = loadInMiniProgramRealm<typeof Messages>({}, messages, 'messages.js')
  vm.runInContext('delete globalThis.Intl; for (const m of ["toLocaleString", "toLocaleDateString", "toLocaleTimeString"]) delete Date.prototype[m]', realm)
  t.equal(vm.runInContext('typeof Intl + Object.getOwnPropertyNames(Date.prototype).filter((m) => /Locale/.test(m)).length', realm), 'undefined0')
  t.same(Object.keys(exports), ['messageFor'])
  const ban = { name: 'SessionEndedError', reason: 'banned', until: '2030-01-01T00:00:00.000Z' }
  t.equal(exports.messageFor(ban), '该账号已被封禁，将于 2030-01-01 08:00 解封。')
  t.equal(exports.messageFor(ban, 'en'), 'This account is banned until 2030-01-01 08:00.')
})

t.test('@wx-login/client/messages resolves to the CommonJS build for require and to dist for import', async (t) => {
  const require = createRequire(import.meta.url)
  t.match(require.resolve('@wx-login/client/messages'), /miniprogram_dist[\\/]messages\.js$/)
  const cjs = require('@wx-login/client/messages') as typeof Messages
  t.equal(cjs.messageFor({ code: 'FST_WX_LOGIN_CODE_USED' }), '登录凭证已被使用，请重新登录。')
  t.match(import.meta.resolve('@wx-login/client/messages'), /\/dist\/messages\.js$/)
  const esm = await import('@wx-login/client/messages') as typeof Messages
  t.equal(esm.messageFor({ code: 'FST_WX_LOGIN_CODE_USED' }, 'en'), 'Your sign-in code was already used. Please sign in again.')
})
