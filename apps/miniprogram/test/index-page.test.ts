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

t.test('the index page renders logged out', async (t) => {
  installWx()
  const page = renderPage(project, 'pages/index/index')
  t.same(visibleText(page), ['wx-login sample', 'Not logged in.', 'Log in', 'GET /api/me', 'Log out'])
  t.equal(page.data.loggedIn, false)
})

t.test('tapping "Log in" logs alice in through the demo server and shows her user', async (t) => {
  installWx()
  const page = renderPage(project, 'pages/index/index')
  tap(page, 'Log in')
  await until(() => page.data.result !== '', 'the login result')
  await until(settled(page), 'the page to settle')

  const text = visibleText(page)
  t.ok(text.includes('A token is stored.'), 'the hint says a token is stored')
  t.ok(text.includes('Logged in: a new user was created.'), 'the result card says a new user was created')
  const user = JSON.parse(page.data.user as string) as { id: unknown, openid: string, appId: string }
  t.match(user, { id: /\S/, openid: openidFor(DEMO_APP.appId, 'alice'), appId: DEMO_APP.appId }, 'alice, the sample’s config.mockUser, in the demo app')
  t.ok(text.some((line) => line.includes(`"openid": "${user.openid}"`)), 'the user card shows the openid from the server')
  t.ok(text.some((line) => line.includes(`"id": ${JSON.stringify(user.id)}`)), 'and the user id')

  const wx = (globalThis as unknown as { wx: { getStorageSync (key: string): unknown } }).wx
  t.match(wx.getStorageSync('token'), { token: /\S{20,}/, expiresAt: String }, 'the token is in wx storage, with its expiry')

  // The protected call with the stored token: the same user, from /api/me.
  tap(page, 'GET /api/me')
  await until(() => page.data.result === 'GET /api/me → 200', 'GET /api/me')
  t.same(JSON.parse(page.data.user as string), user)

  tap(page, 'Log out')
  await until(() => page.data.result === 'Logged out.', 'the logout')
  await until(settled(page), 'the page to settle')
  t.equal(wx.getStorageSync('token'), '', 'the token is gone')
  t.ok(visibleText(page).includes('Not logged in.'))
  t.notOk(visibleText(page).some((line) => line.includes('openid')), 'the user card is gone')
})

t.test('a second page load after a restart finds the stored token: logged in, same user, no new login', async (t) => {
  installWx()
  const first = renderPage(project, 'pages/index/index')
  tap(first, 'Log in')
  await until(() => first.data.result !== '' && first.data.busy === false, 'the login')
  t.equal(first.data.result, 'Logged in.', 'alice exists already')

  const again = renderPage(project, 'pages/index/index')
  t.equal(again.data.loggedIn, true)
  t.ok(visibleText(again).includes('A token is stored.'))
  tap(again, 'GET /api/me')
  await until(() => again.data.result === 'GET /api/me → 200', 'GET /api/me')
  t.same(JSON.parse(again.data.user as string), JSON.parse(first.data.user as string))
})

t.test('a login WeChat refuses shows the LoginError and leaves the page logged out', async (t) => {
  installWx()
  const warnings: unknown[][] = []
  const warn = console.warn
  console.warn = (...args: unknown[]) => { warnings.push(args) }
  t.teardown(() => { console.warn = warn })
  mock.addFault({ path: '/sns/jscode2session', errcode: 40226, times: 1 })
  const page = renderPage(project, 'pages/index/index')
  tap(page, 'Log in')
  await until(() => page.data.result !== '' && page.data.busy === false, 'the login result')
  t.match(page.data.result, /^LoginError: /)
  t.ok(visibleText(page).includes('Not logged in.'))
  t.equal(page.data.user, '')
  t.match(warnings, [['[wx-login]', 'LoginError', /\S/]], 'the sample’s onError logged it')
})

t.test('the compiled page took the client from miniprogram_npm, not node_modules', async (t) => {
  const { readFile } = await import('node:fs/promises')
  const js = await readFile(join(project, 'pages/index/index.js'), 'utf8')
  t.match(js, /require\("\.\.\/\.\.\/miniprogram_npm\/@wx-login\/client\/index\.js"\)/)
  t.notMatch(js, /createWxLogin\s*\(options\)/, 'the client is not bundled into the page')
})

t.test('a session ended elsewhere: the sample asks before signing in again, and says when a ban ends', async (t) => {
  installWx()
  const modals: Array<{ title: string, content: string }> = []
  let confirm = true
  const wx = (globalThis as unknown as { wx: Record<string, unknown> }).wx
  wx.showModal = (option: { title: string, content: string, success?: (res: { confirm: boolean }) => void }) => {
    modals.push({ title: option.title, content: option.content })
    option.success?.({ confirm })
    return Promise.resolve({ confirm })
  }
  const page = renderPage(project, 'pages/index/index')
  tap(page, 'Log in')
  await until(() => page.data.result !== '', 'the login result')
  await until(settled(page), 'the page to settle')
  const user = JSON.parse(page.data.user as string) as { id: number }

  await admin.revokeAll(user.id)
  tap(page, 'GET /api/me')
  await until(() => modals.length === 1, 'the prompt')
  t.same(modals[0], { title: 'Signed out', content: 'This session was ended. Sign in again?' }, 'a revoked session: the app asks')
  await until(() => (wx.getStorageSync as (key: string) => unknown)('token') !== '' && typeof (wx.getStorageSync as (key: string) => { token?: string })('token').token === 'string', 'signing in again after the user agreed')

  confirm = false
  await admin.ban(user.id, { until: Date.UTC(2030, 0, 1) })
  tap(page, 'GET /api/me')
  await until(() => modals.length === 2, 'the ban notice')
  t.equal(modals[1]!.title, 'Account banned')
  t.match(modals[1]!.content, /banned/, 'the ban is shown, and nobody signs in by themselves')
  await admin.unban(user.id)
})
