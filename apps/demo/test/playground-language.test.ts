import type { Page } from 'playwright-core'
import t from 'tap'
import { startDemo } from './fixtures/demo.js'
import { openPlayground } from './fixtures/playground.js'

const HAN = /\p{Script=Han}/u
/** Numbers, times, arrows and the like: the same in both languages. */
const LANGUAGELESS = /^[\p{N}\p{P}\p{S}\s]*$/u

interface ShownText { text: string, verbatim: boolean }

// The slice of the DOM the scan below uses, typed here as this file is type-checked for Node.
interface PageElement { closest (selector: string): PageElement | null, checkVisibility (): boolean, getAttribute (name: string): string | null }
interface PageDocument {
  body: unknown
  createTreeWalker (root: unknown, whatToShow: number): { nextNode (): { textContent: string | null, parentElement: PageElement | null } | null }
  querySelectorAll (selector: string): Iterable<PageElement>
}

/**
 * Every text a user can see: visible text nodes, and the tooltips and labels
 * of visible elements. `verbatim` marks data and code (inside translate="no"
 * or <code>), which keep their language.
 */
function shownTexts (page: Page): Promise<ShownText[]> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as { document: PageDocument }
    const verbatim = (element: PageElement): boolean => element.closest('[translate="no"], code') !== null
    const shown: ShownText[] = []
    const walker = document.createTreeWalker(document.body, 4 /* NodeFilter.SHOW_TEXT */)
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const text = node.textContent?.trim() ?? ''
      if (text !== '' && node.parentElement?.checkVisibility() === true) shown.push({ text, verbatim: verbatim(node.parentElement) })
    }
    for (const element of document.querySelectorAll('[title], [aria-label]')) {
      if (!element.checkVisibility()) continue
      for (const name of ['title', 'aria-label']) {
        const text = element.getAttribute(name)
        if (text !== null) shown.push({ text, verbatim: verbatim(element) })
      }
    }
    return shown
  })
}

t.test('the playground speaks the browser’s language: 中文 for any zh, else English', async t => {
  const { url } = await startDemo(t, 'playground_language')
  const browsers = [
    { locale: 'zh-CN', lang: 'zh-CN', login: '登录', status: '未存令牌' },
    { locale: 'zh-TW', lang: 'zh-CN', login: '登录', status: '未存令牌' },
    { locale: 'en-US', lang: 'en', login: 'Log in', status: 'No token stored' },
    { locale: 'fr-FR', lang: 'en', login: 'Log in', status: 'No token stored' },
    // The first language the playground speaks wins, not the first one listed.
    { locale: 'fr-FR', languages: ['fr-FR', 'zh-CN', 'en'], lang: 'zh-CN', login: '登录', status: '未存令牌' }
  ]
  for (const { locale, languages, lang, login, status } of browsers) {
    const { page, byTestId, pageErrors } = await openPlayground(t, url, { locale, languages })
    const as = languages?.join(', ') ?? locale
    t.equal(await page.getAttribute('html', 'lang'), lang, `<html lang> for ${as}`)
    t.equal(await byTestId('login').innerText(), login, `the login button for ${as}`)
    t.equal(await byTestId('status').innerText(), status, `a status line written by the script for ${as}`)
    t.equal(await byTestId(`language-${lang}`).getAttribute('aria-pressed'), 'true', `the switch shows ${lang} as chosen`)
    t.same(pageErrors, [], 'no errors in the page')
    await page.context().close()
  }
})

t.test('the 中文 / English switch rewrites every text in place, keeps the state, and outlives a reload', async t => {
  const { url } = await startDemo(t, 'playground_switch')
  const { page, byTestId, logEntries, storageItem, storedToken, pageErrors } = await openPlayground(t, url, { locale: 'en-US' })
  const invalid = page.locator('[data-testid="log"] li[data-event="response"][data-reason="invalid"]')

  // In English, a run that puts a text of each kind on the page: the log, a refusal, both phones, a
  // session list, a session-ended prompt, a result.
  await byTestId('user-picker').selectOption('alice')
  await byTestId('login').click()
  await byTestId('status').filter({ hasText: 'Token stored' }).waitFor()
  await byTestId('garble').click()
  await byTestId('call-me').click()
  await byTestId('response').filter({ hasText: 'GET /api/me → 200' }).waitFor()
  await invalid.waitFor()
  await byTestId('phone2-login').click()
  await byTestId('phone2-status').filter({ hasText: 'Token stored' }).waitFor()
  await byTestId('list-sessions').click()
  await byTestId('session-row').nth(2).waitFor()
  await page.locator('[data-testid="session-row"]', { hasText: 'Playground phone 2' }).locator('[data-testid="end-session"]').click()
  await byTestId('phone2-call-me').click()
  await byTestId('phone2-session-ended').waitFor({ state: 'visible' })
  await byTestId('get-phone').click()
  await byTestId('response').filter({ hasText: '/auth/wechat/phone → 200' }).waitFor()
  await page.waitForTimeout(300) // the last WeChat calls reach the log
  t.equal(await page.getAttribute('html', 'lang'), 'en')

  const before = {
    user: await byTestId('user').innerText(),
    entries: await logEntries('response').count(),
    logins: await byTestId('login-count').innerText(),
    token: await storedToken()
  }
  await byTestId('language-zh-CN').click()

  t.equal(await page.getAttribute('html', 'lang'), 'zh-CN', '<html lang> follows the switch')
  t.equal(await byTestId('language-zh-CN').getAttribute('aria-pressed'), 'true')
  t.equal(await page.title(), 'wx-login 演练场')
  t.equal(await byTestId('login').innerText(), '登录')
  t.match(await invalid.innerText(), /401 FST_WX_LOGIN_TOKEN_INVALID · invalid：服务器不认识这个令牌/, 'the server’s code stays next to the translated reason')
  t.equal(await byTestId('phone2-session-ended-text').innerText(), '此会话已被结束（在服务器上被吊销，或由另一台设备结束）。要重新登录吗？')
  t.match(await page.locator('[data-testid="session-row"][data-current="true"]').innerText(), /Playground phone 1 · 本设备/)
  t.match(await byTestId('response').innerText(), /^手机 1：POST \/auth\/wechat\/phone → 200\n/)
  t.same({
    user: await byTestId('user').innerText(),
    entries: await logEntries('response').count(),
    logins: await byTestId('login-count').innerText(),
    token: await storedToken()
  }, before, 'the same user, log, counters and token: only the words changed')

  const untranslated = (await shownTexts(page)).filter(({ text, verbatim }) => !verbatim && !HAN.test(text) && !LANGUAGELESS.test(text))
  t.same(untranslated, [], 'every visible text but data and code is in 中文')
  t.equal(await storageItem('playground:language'), 'zh-CN', 'the choice is remembered')

  // The browser still says en-US; the remembered choice wins.
  await page.reload()
  await page.waitForSelector('body[data-ready="true"]')
  t.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'after a reload the page is still in 中文')
  t.match(await byTestId('status').innerText(), /^已存令牌：/, 'phone 1’s stored token, said in 中文')

  await byTestId('language-en').click()
  t.equal(await page.getAttribute('html', 'lang'), 'en')
  t.match(await byTestId('status').innerText(), /^Token stored: /)
  const chinese = (await shownTexts(page)).filter(({ text, verbatim }) => !verbatim && HAN.test(text))
  t.same(chinese, [], 'back in English, no 中文 is left but the switch’s own label')
  t.equal(await storageItem('playground:language'), 'en')
  t.same(pageErrors.filter(message => !message.includes('401')), [], 'no errors in the page')
})

t.test('a refused call shows the client’s text for users in the page’s language, above the error as data', async t => {
  const { url, mock } = await startDemo(t, 'playground_user_text')
  const { byTestId, pageErrors } = await openPlayground(t, url, { locale: 'zh-CN' })
  mock.addFault({ path: '/sns/jscode2session', errcode: 40226, times: 1 }) // WeChat refuses the login as risky
  await byTestId('user-picker').selectOption('alice')
  await byTestId('login').click()
  const response = byTestId('response')
  await response.filter({ hasText: 'LoginError' }).waitFor()

  const asData = '\n{\n  "code": "FST_WX_LOGIN_USER_BLOCKED",\n  "message": '
  t.match(await response.innerText(), `手机 1：LoginError\n微信判定本次登录存在风险，已拦截。${asData}`, 'in 中文: messageFor’s zh-CN text')
  await byTestId('language-en').click()
  t.match(await response.innerText(), `phone 1: LoginError\nWeChat blocked this sign-in as risky.${asData}`, 'in English: its English text, the data unchanged')
  t.same(pageErrors.filter(message => !message.includes('403')), [], 'no errors in the page but the refusal itself')
})
