import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import vm from 'node:vm'
import t from 'tap'
import { buildSampleProject } from './fixtures/sample-project.js'

// DevTools' "Tools → Build npm" is miniprogram-ci's packNpm: run it on the sample with the packed client.
const built = await buildSampleProject(t)
const npmDir = join(built.project, 'miniprogram_npm')

t.test('"Build npm" on the sample with the packed client tarball gives no warning', async (t) => {
  t.same(built.warnings, [], 'the warning list DevTools shows is empty')
  t.match(built.reports, [{ miniprogram_pack_num: 1, other_pack_num: 0, warn_not_found_num: 0, warn_require_var_num: 0, warn_require_rename_num: 0 }],
    'one package built from its `miniprogram` folder, nothing bundled from node_modules')
})

t.test('miniprogram_npm/@wx-login/client/ is the CommonJS build as published', async (t) => {
  t.same(await readdir(npmDir), ['@wx-login'])
  t.same(await readdir(join(npmDir, '@wx-login')), ['client'])
  const files = (await readdir(join(npmDir, '@wx-login', 'client'))).sort()
  t.same(files, (await readdir(join(built.installed, 'miniprogram_dist'))).sort(), 'exactly the files of the package’s `miniprogram` folder')
  t.ok(files.includes('index.js'), 'the entry `require("@wx-login/client")` resolves to')

  const entry = await readFile(join(npmDir, '@wx-login', 'client', 'index.js'), 'utf8')
  t.equal(entry, await readFile(join(built.installed, 'miniprogram_dist', 'index.js'), 'utf8'), 'copied unchanged: nothing for DevTools to rewrite')

  // How the mini-program runtime runs it: a CommonJS function, in a realm with only wx and console.
  const realm = vm.createContext({ wx: {}, console })
  const module = { exports: {} as Record<string, unknown> }
  const wrapper = vm.runInContext(`(function (module, exports, require) {\n${entry}\n})`, realm) as (m: unknown, e: unknown, r: (id: string) => never) => void
  wrapper(module, module.exports, (id) => { throw new Error(`the build required "${id}"`) })
  t.same(Object.keys(module.exports).sort(), ['AuthError', 'LoginError', 'NetworkError', 'SessionEndedError', 'WxLoginError', 'createWxLogin', 'refusalOf'])
})

t.test('require("@wx-login/client/messages") resolves after "Build npm": miniprogram_npm/@wx-login/client/messages.js', async (t) => {
  const file = join(npmDir, '@wx-login', 'client', 'messages.js')
  const source = await readFile(file, 'utf8')
  t.equal(source, await readFile(join(built.installed, 'miniprogram_dist', 'messages.js'), 'utf8'), 'copied unchanged')

  const realm = vm.createContext({ wx: {}, console })
  const module = { exports: {} as Record<string, unknown> }
  const wrapper = vm.runInContext(`(function (module, exports, require) {\n${source}\n})`, realm) as (m: unknown, e: unknown, r: (id: string) => never) => void
  wrapper(module, module.exports, (id) => { throw new Error(`the messages required "${id}"`) })
  const messageFor = module.exports.messageFor as (err: unknown, locale?: string) => string
  t.equal(messageFor({ name: 'NetworkError', errMsg: 'request:fail timeout' }), '网络请求超时，请检查网络后重试。', 'Chinese by default')
  t.equal(messageFor({ code: 'FST_WX_LOGIN_TOKEN_REPLACED' }, 'en'), 'You signed in on another device. Please sign in again.')
})
