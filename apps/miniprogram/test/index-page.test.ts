// The ban notice shows a local time: the zone of the sample's users.
process.env.TZ = 'Asia/Shanghai'

import { join } from 'node:path'
import t from 'tap'
import { startDemoServer } from './fixtures/demo-server.js'
import { buildSampleProject, SAMPLE_DIR } from './fixtures/sample-project.js'
import { compilePage, renderPage, tap, until, visibleText, type RenderedPage } from './fixtures/simulate-page.js'
import { DEMO_APP, openidFor } from '@wx-login/wechat-mock'
import { createWx } from '@wx-login/wechat-mock/wx'

// The sample as DevTools runs it: "Build npm" output, the page compiled, its wxml rendered by miniprogram-simulate,
// the global wx a Node runtime, against the demo server (`pnpm dev`) on MariaDB and Redis.
const { baseURL, mock, app } = await startDemoServer(t, 'index_page')
// The server side of a session ending elsewhere (an admin tool, another phone).
const admin = (app as unknown as { wxLogin: { revokeAll (id: number): Promise<number>, ban (id: number, options: { until: number }): Promise<void>, unban (id: number): Promise<void> } }).wxLogin
const { project } = await buildSampleProject(t)
await compilePage(SAMPLE_DIR, project, 'pages/index/index', baseURL)

/** A fresh wx for the page: the sample's mock login asks the demo server for codes, so only request and storage matter. */
function installWx (): void {
  // The runtime's own login() is not what the sample calls (config.mockUser routes it through the demo server).
  (globalThis as Record<string, unknown>).wx = createWx({ mockUrl: 'http://127.0.0.1:9/unused', user: 'unused' })
}

const settled = (page: RenderedPage) => () => page.data.busy === false

t.test('the index page renders logged out, in Chinese', async (t) => {
  installWx()
  const page = renderPage(project, 'pages/index/index')
  t.same(visibleText(page), ['wx-login 示例', '未登录。', '登录', '请求 /api/me', '退出登录'])
  t.equal(page.data.loggedIn, false)
})

t.test('tapping "登录" logs alice in through the demo server and shows her user', async (t) => {
  installWx()
  const page = renderPage(project, 'pages/index/index')
  tap(page, '登录')
  await until(() => page.data.result !== '', 'the login result')
  await until(settled(page), 'the page to settle')

  const text = visibleText(page)
  t.ok(text.includes('已登录，登录凭证已保存。'), 'the hint says a token is stored')
  t.ok(text.includes('登录成功，已创建新用户。'), 'the result card says a new user was created')
  t.ok(text.includes('用户') && text.includes('结果'), 'the cards’ labels')
  const user = JSON.parse(page.data.user as string) as { id: unknown, openid: string, appId: string }
  t.match(user, { id: /\S/, openid: openidFor(DEMO_APP.appId, 'alice'), appId: DEMO_APP.appId }, 'alice, the sample’s config.mockUser, in the demo app')
  t.ok(text.some((line) => line.includes(`"openid": "${user.openid}"`)), 'the user card shows the openid from the server')
  t.ok(text.some((line) => line.includes(`"id": ${JSON.stringify(user.id)}`)), 'and the user id')

  const wx = (globalThis as unknown as { wx: { getStorageSync (key: string): unknown } }).wx
  t.match(wx.getStorageSync('token'), { token: /\S{20,}/, expiresAt: String }, 'the token is in wx storage, with its expiry')

  // The protected call with the stored token: the same user, from /api/me.
  tap(page, '请求 /api/me')
  await until(() => page.data.result === '已获取用户信息。', 'GET /api/me')
  t.same(JSON.parse(page.data.user as string), user)

  tap(page, '退出登录')
  await until(() => page.data.result === '已退出登录。', 'the logout')
  await until(settled(page), 'the page to settle')
  t.equal(wx.getStorageSync('token'), '', 'the token is gone')
  t.ok(visibleText(page).includes('未登录。'))
  t.notOk(visibleText(page).some((line) => line.includes('openid')), 'the user card is gone')
})

t.test('a second page load after a restart finds the stored token: logged in, same user, no new login', async (t) => {
  installWx()
  const first = renderPage(project, 'pages/index/index')
  tap(first, '登录')
  await until(() => first.data.result !== '' && first.data.busy === false, 'the login')
  t.equal(first.data.result, '登录成功。', 'alice exists already')

  const again = renderPage(project, 'pages/index/index')
  t.equal(again.data.loggedIn, true)
  t.ok(visibleText(again).includes('已登录，登录凭证已保存。'))
  tap(again, '请求 /api/me')
  await until(() => again.data.result === '已获取用户信息。', 'GET /api/me')
  t.same(JSON.parse(again.data.user as string), JSON.parse(first.data.user as string))
})

t.test('a login WeChat refuses shows why, in Chinese, and leaves the page logged out', async (t) => {
  installWx()
  const warnings: unknown[][] = []
  const warn = console.warn
  console.warn = (...args: unknown[]) => { warnings.push(args) }
  t.teardown(() => { console.warn = warn })
  mock.addFault({ path: '/sns/jscode2session', errcode: 40226, times: 1 })
  const page = renderPage(project, 'pages/index/index')
  tap(page, '登录')
  await until(() => page.data.result !== '' && page.data.busy === false, 'the login result')
  t.equal(page.data.result, '微信判定本次登录存在风险，已拦截。', 'messageFor’s text for FST_WX_LOGIN_USER_BLOCKED')
  t.ok(visibleText(page).includes('微信判定本次登录存在风险，已拦截。'))
  t.ok(visibleText(page).includes('未登录。'))
  t.equal(page.data.user, '')
  t.match(warnings, [['[wx-login]', 'LoginError', /\S/]], 'the sample’s onError logged it')
})

t.test('the compiled page took the client from miniprogram_npm, not node_modules', async (t) => {
  const { readFile } = await import('node:fs/promises')
  const js = await readFile(join(project, 'pages/index/index.js'), 'utf8')
  t.match(js, /require\("\.\.\/\.\.\/miniprogram_npm\/@wx-login\/client\/index\.js"\)/)
  t.match(js, /require\("\.\.\/\.\.\/miniprogram_npm\/@wx-login\/client\/messages\.js"\)/, 'and the messages from their own file')
  t.notMatch(js, /createWxLogin\s*\(options\)/, 'the client is not bundled into the page')
  t.notMatch(js, /封禁/, 'nor the message tables')
})

t.test('a session ended elsewhere: the sample asks before signing in again, and says when a ban ends', async (t) => {
  installWx()
  const modals: Array<{ title: string, content: string, confirmText?: string, cancelText?: string }> = []
  let confirm = true
  const wx = (globalThis as unknown as { wx: Record<string, unknown> }).wx
  wx.showModal = (option: { title: string, content: string, confirmText?: string, cancelText?: string, success?: (res: { confirm: boolean }) => void }) => {
    modals.push({ title: option.title, content: option.content, confirmText: option.confirmText, cancelText: option.cancelText })
    option.success?.({ confirm })
    return Promise.resolve({ confirm })
  }
  const page = renderPage(project, 'pages/index/index')
  tap(page, '登录')
  await until(() => page.data.result !== '', 'the login result')
  await until(settled(page), 'the page to settle')
  const user = JSON.parse(page.data.user as string) as { id: number }

  await admin.revokeAll(user.id)
  tap(page, '请求 /api/me')
  await until(() => modals.length === 1, 'the prompt')
  t.same(modals[0], { title: '已退出登录', content: '当前登录已被注销，请重新登录。', confirmText: '重新登录', cancelText: '取消' }, 'a revoked session: the app asks')
  await until(() => (wx.getStorageSync as (key: string) => unknown)('token') !== '' && typeof (wx.getStorageSync as (key: string) => { token?: string })('token').token === 'string', 'signing in again after the user agreed')

  confirm = false
  await admin.ban(user.id, { until: Date.UTC(2030, 0, 1) })
  tap(page, '请求 /api/me')
  await until(() => modals.length === 2, 'the ban notice')
  // The demo's /api/me is a host route: its refusal carries no `until` (the plugin's own routes' do).
  t.same(modals[1], { title: '账号已封禁', content: '该账号已被封禁。', confirmText: '知道了', cancelText: undefined },
    'the ban is shown, and nobody signs in by themselves')
  await until(settled(page), 'the page to settle')
  const before = page.data.result
  tap(page, '登录')
  await until(() => page.data.result !== before && page.data.busy === false, 'the refused login')
  t.equal(page.data.result, '该账号已被封禁，将于 2030-01-01 08:00 解封。', 'signing in again says until when, in local time')
  t.equal(modals.length, 2, 'a refused login is no second notice')
  await admin.unban(user.id)
})
