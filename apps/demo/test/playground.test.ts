import { openidFor } from '@wx-login/wechat-mock'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { MOCK_APP } from '../src/config.js'
import { startDemo } from './fixtures/demo.js'
import { openPlayground } from './fixtures/playground.js'

const SCREENSHOT = fileURLToPath(new URL('./screenshots/playground.png', import.meta.url))

/** The token in a stored record (`{ token, expiresAt, … }`), or null. */
const tokenOf = (stored: string | null): string | null => stored === null ? null : (JSON.parse(stored) as { token?: string }).token ?? null

t.test('the playground logs in with the real client, logs in silently after a 401 INVALID, ends sessions from the list and on a revoke, logs out', async t => {
  const { url, mock } = await startDemo(t, 'playground')
  const { page, byTestId, logEntries, storedToken, pageErrors } = await openPlayground(t, url)
  const reasons = (reason: string) => page.locator(`[data-testid="log"] li[data-event="response"][data-reason="${reason}"]`)

  // Log in as alice on phone 1.
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
  const stored = tokenOf(await storedToken())
  t.type(stored, 'string', 'the client keeps the token (with its expiry) in (local) storage')

  // A protected call with the stored token: no new login.
  await byTestId('call-me').click()
  await byTestId('response').filter({ hasText: 'GET /api/me → 200' }).waitFor()
  t.equal(await logEntries('wx.login').count(), 1, '/api/me needs no new wx.login')

  // A token the server does not know: 401 INVALID, one silent login, the call retried.
  await byTestId('garble').click()
  await byTestId('call-me').click()
  await byTestId('response').filter({ hasText: 'GET /api/me → 200' }).waitFor()
  t.equal(await reasons('invalid').count(), 1, 'the 401 and its reason are in the log')
  t.match(await reasons('invalid').innerText(), /401 FST_WX_LOGIN_TOKEN_INVALID · invalid: .*logs in silently/)
  t.equal(await byTestId('login-count').innerText(), '2')
  await logEntries('code2session').nth(1).waitFor()
  t.equal(mock.calls('/sns/jscode2session').length, 2, 'the server exchanged a second code with WeChat')
  t.not(tokenOf(await storedToken()), stored, 'a fresh token is stored')

  // Phone 2: the same WeChat user on another device. Both sessions are listed on phone 1.
  await byTestId('phone2-login').click()
  await byTestId('phone2-status').filter({ hasText: 'Token stored' }).waitFor()
  t.equal(await byTestId('phone2-login-count').innerText(), '1')
  await byTestId('list-sessions').click()
  const rows = byTestId('session-row')
  await rows.nth(2).waitFor()
  // Phone 1's first session (whose token was garbled) is still live on the server, phone 1's current one, phone 2's.
  t.equal(await rows.count(), 3)
  const current = page.locator('[data-testid="session-row"][data-current="true"]')
  t.equal(await current.count(), 1)
  t.match(await current.innerText(), /Playground phone 1 · This device/, '“This device” marks phone 1’s own session, by the device it posted')
  const other = page.locator('[data-testid="session-row"][data-current="false"]', { hasText: 'Playground phone 2' })
  t.equal(await other.count(), 1)

  // End phone 2's session from phone 1: phone 2's next call ends its session, without a silent login.
  await other.locator('[data-testid="end-session"]').click()
  await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll (s: string): { length: number } } }).document.querySelectorAll('[data-testid="session-row"]').length === 2)
  t.equal(await page.locator('[data-testid="session-row"]', { hasText: 'Playground phone 2' }).count(), 0)
  await byTestId('phone2-call-me').click()
  await byTestId('phone2-session-ended').waitFor({ state: 'visible' })
  t.match(await byTestId('phone2-session-ended-text').innerText(), /ended/)
  t.equal(await reasons('revoked').count(), 1, 'the 401 REVOKED is in the log with its reason')
  t.equal(await logEntries('session-ended').count(), 1)
  t.equal(await byTestId('phone2-login-count').innerText(), '1', 'phone 2 did not log in by itself')
  t.equal(await storedToken('wx2:'), JSON.stringify({ ended: 'revoked' }))

  // The server revokes phone 1's token: the same, and the app signs in again when the user says so.
  await byTestId('revoke').click()
  await byTestId('response').filter({ hasText: 'POST /api/demo/revoke → 204' }).waitFor()
  await byTestId('call-me').click()
  await byTestId('session-ended').waitFor({ state: 'visible' })
  t.equal(await reasons('revoked').count(), 2)
  t.equal(await byTestId('login-count').innerText(), '2')
  await byTestId('sign-in-again').click()
  await byTestId('session-ended').waitFor({ state: 'hidden' })
  t.equal(await byTestId('login-count').innerText(), '3')
  await byTestId('call-me').click()
  await byTestId('response').filter({ hasText: 'GET /api/me → 200' }).waitFor()

  // The getPhoneNumber button: a phone code from "WeChat", traded by the server for the number.
  await byTestId('phone-input').fill('+86 13912345678')
  await byTestId('get-phone').click()
  await byTestId('response').filter({ hasText: '/auth/wechat/phone → 200' }).waitFor()
  t.match(await byTestId('response').innerText(), /"purePhoneNumber": "13912345678"/, 'the number WeChat holds for alice')
  t.equal(mock.calls('/wxa/business/getuserphonenumber').length, 1, 'the server asked WeChat once')

  await mkdir(join(SCREENSHOT, '..'), { recursive: true })
  await page.screenshot({ path: SCREENSHOT, fullPage: true })

  // Log out: the token leaves storage and the server.
  const token = tokenOf(await storedToken())!
  await byTestId('logout').click()
  await byTestId('user').filter({ hasText: 'Not logged in.' }).waitFor()
  t.equal(await storedToken(), null)
  const me = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(me.status, 401, 'the server revoked the token on logout')
  t.same(pageErrors.filter(message => !message.includes('401')), [], 'no errors in the page')
})

t.test('with one session per user, the two phones evict each other once per sign-in, never in a loop', async t => {
  const { url, mock } = await startDemo(t, 'playground_single', { sessions: { maxSessionsPerUser: 1, sessionPolicy: 'evict-oldest' } })
  const { page, byTestId, pageErrors } = await openPlayground(t, url)
  const replaced = page.locator('[data-testid="log"] li[data-event="response"][data-reason="replaced"]')

  await byTestId('user-picker').selectOption('bob')
  await byTestId('login').click()
  await byTestId('status').filter({ hasText: 'Token stored' }).waitFor()
  await byTestId('phone2-login').click()
  await byTestId('phone2-status').filter({ hasText: 'Token stored' }).waitFor()

  // Phone 1 was evicted by phone 2's login: it learns why, once, and asks.
  await byTestId('call-me').click()
  await byTestId('session-ended').waitFor({ state: 'visible' })
  t.equal(await byTestId('session-ended-text').innerText(), 'You signed in on another phone. Sign in here again?')
  t.equal(await replaced.count(), 1)
  t.match(await replaced.innerText(), /401 FST_WX_LOGIN_TOKEN_REPLACED · replaced: /)

  // Both phones keep calling: phone 2 works, phone 1 stays signed out; nobody logs in.
  for (let round = 0; round < 3; round++) {
    await byTestId('call-me').click()
    await byTestId('response').filter({ hasText: 'phone 1: SessionEndedError' }).waitFor()
    await byTestId('phone2-call-me').click()
    await byTestId('response').filter({ hasText: 'phone 2: GET /api/me → 200' }).waitFor()
  }
  await page.waitForTimeout(500)
  t.equal(await byTestId('login-count').innerText(), '1')
  t.equal(await byTestId('phone2-login-count').innerText(), '1')
  t.equal(mock.calls('/sns/jscode2session').length, 2, 'two logins in all: no loop')
  t.equal(await replaced.count(), 1, 'phone 1 asked the server once; then it knew')

  // The user signs in again on phone 1: now phone 2 is the one told, once.
  await byTestId('sign-in-again').click()
  await byTestId('session-ended').waitFor({ state: 'hidden' })
  await byTestId('phone2-call-me').click()
  await byTestId('phone2-session-ended').waitFor({ state: 'visible' })
  await page.waitForTimeout(500)
  t.equal(await replaced.count(), 2)
  t.equal(await byTestId('login-count').innerText(), '2')
  t.equal(await byTestId('phone2-login-count').innerText(), '1')
  t.equal(mock.calls('/sns/jscode2session').length, 3)
  t.same(pageErrors.filter(message => !message.includes('401')), [], 'no errors in the page')
})
