import { openidFor } from '@wx-login/wechat-mock'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import t from 'tap'
import { MOCK_APP } from '../src/config.js'
import { PLAYGROUND_DIR } from '../src/playground-routes.js'
import { startDemo } from './fixtures/demo.js'

const CHROMIUM = '/usr/bin/chromium'
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']
const SCREENSHOT = fileURLToPath(new URL('./screenshots/playground.png', import.meta.url))

t.test('the playground logs in with the real client, re-logs in after a server-side revoke, logs out', async t => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing (${CHROMIUM}). Install Debian's package: apt-get update && apt-get install -y chromium`)
  }
  if (!existsSync(join(PLAYGROUND_DIR, 'dist', 'playground.js'))) {
    throw new Error('The playground bundle is missing: run `pnpm --filter @wx-login/demo build` first')
  }

  const { url, mock } = await startDemo(t, 'playground')
  const userDataDir = await mkdtemp(join(tmpdir(), 'wxl-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 860 }
  })
  t.teardown(async () => {
    await context.close()
    await rm(userDataDir, { recursive: true, force: true })
  })

  const page = context.pages()[0] ?? await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', err => pageErrors.push(err.message))
  page.on('console', message => { if (message.type() === 'error') pageErrors.push(message.text()) })
  const byTestId = (id: string) => page.locator(`[data-testid="${id}"]`)
  const logEntries = (event: string) => page.locator(`[data-testid="log"] li[data-event="${event}"]`)
  // Runs in the page; typed loosely, as this file is type-checked for Node.
  const storedToken = () => page.evaluate(() => (globalThis as unknown as { localStorage: { getItem (key: string): string | null } }).localStorage.getItem('wx:token'))

  await page.goto(`${url}/playground/`)
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 })

  // Log in as alice.
  await byTestId('user-picker').selectOption('alice')
  await byTestId('login').click()
  const openid = openidFor(MOCK_APP.appId, 'alice')
  await byTestId('user').filter({ hasText: openid }).waitFor({ timeout: 10_000 })
  const user = JSON.parse(await byTestId('user').innerText()) as { openid: string, appId: string }
  t.equal(user.openid, openid, 'the user JSON holds the openid the mock gives alice')
  t.equal(user.appId, MOCK_APP.appId)
  t.equal(await logEntries('wx.login').count(), 1)
  await logEntries('code2session').first().waitFor()
  t.equal(mock.calls('/sns/jscode2session').length, 1)
  const stored = await storedToken()
  t.type(stored, 'string', 'the client keeps the token in (local) storage')

  // A protected call with the stored token: no new login.
  await byTestId('call-me').click()
  await byTestId('response').filter({ hasText: 'GET /api/me → 200' }).waitFor()
  t.equal(await logEntries('wx.login').count(), 1, '/api/me needs no new wx.login')

  // The server revokes the token; the client still holds it.
  await byTestId('revoke').click()
  await byTestId('response').filter({ hasText: 'POST /api/demo/revoke → 204' }).waitFor()

  // The next call meets a 401; the client logs in again on its own and retries.
  await byTestId('call-me').click()
  await byTestId('response').filter({ hasText: 'GET /api/me → 200' }).waitFor()
  t.equal(await logEntries('wx.login').count(), 2, 'one more wx.login in the log')
  t.equal(await byTestId('login-count').innerText(), '2')
  t.ok(await page.locator('[data-testid="log"] li[data-event="response"]', { hasText: /^.*401/ }).count() >= 1, 'the 401 is in the log')
  await logEntries('code2session').nth(1).waitFor()
  t.equal(mock.calls('/sns/jscode2session').length, 2, 'the server exchanged a second code with WeChat')
  t.not(await storedToken(), stored, 'a fresh token is stored')

  // The getPhoneNumber button: a phone code from "WeChat", traded by the server for the number.
  await byTestId('phone-input').fill('+86 13912345678')
  await byTestId('get-phone').click()
  await byTestId('response').filter({ hasText: '/auth/wechat/phone → 200' }).waitFor()
  t.match(await byTestId('response').innerText(), /"purePhoneNumber": "13912345678"/, 'the number WeChat holds for alice')
  t.equal(mock.calls('/wxa/business/getuserphonenumber').length, 1, 'the server asked WeChat once')

  await mkdir(join(SCREENSHOT, '..'), { recursive: true })
  await page.screenshot({ path: SCREENSHOT, fullPage: true })

  // Log out: the token leaves storage and the server.
  const token = JSON.parse(await storedToken() ?? 'null') as string
  await byTestId('logout').click()
  await byTestId('user').filter({ hasText: 'Not logged in.' }).waitFor()
  t.equal(await storedToken(), null)
  const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(me.status, 401, 'the server revoked the token on logout')
  t.same(pageErrors.filter(message => !message.includes('401')), [], 'no errors in the page')
})
