import { createWxLogin, refusalOf, type SessionEndedError, type WxLogin, type WxLoginUser } from '@wx-login/client'
import { createBrowserWx, type WxEvent } from './browser-wx.js'
import { show, showVerbatim, startLanguage, type Localized } from './language.js'
import { SequenceLog, type Party } from './sequence-log.js'

startLanguage()

function element<T extends HTMLElement> (testId: string): T {
  const found = document.querySelector<T>(`[data-testid="${testId}"]`)
  if (found === null) throw new Error(`missing element ${testId}`)
  return found
}

const userPicker = element<HTMLSelectElement>('user-picker')
const userView = element<HTMLElement>('user')
const responseView = element<HTMLElement>('response')
const log = new SequenceLog(element<HTMLOListElement>('log'))

/** A token or code shown shortened: enough to tell two apart, not enough to use. */
const short = (secret: string): string => `${secret.slice(0, 6)}…`
const path = (url: string): string => url.replace(location.origin, '')

// ---- What the server asked WeChat: the mock's call log, proxied by the demo server.
let seenCalls = 0

interface MockCall { method: string, path: string, query: Record<string, unknown>, errcode: number | null, status: number | null }

async function pullWechatCalls (): Promise<void> {
  const res = await fetch(`/api/demo/calls?after=${seenCalls}`).catch(() => null)
  if (res === null || !res.ok) return
  const { total, calls } = await res.json() as { total: number, calls: MockCall[] }
  if (total < seenCalls) { seenCalls = 0; return } // the mock restarted
  seenCalls = total
  for (const call of calls) {
    const params = Object.entries(call.query).map(([key, value]) => `${key}=${String(value)}`).join('&')
    const ok = call.errcode === 0
    const code2Session = call.path === '/sns/jscode2session'
    const failure = call.errcode !== null ? `errcode ${call.errcode}` : `HTTP ${String(call.status)}`
    log.add({ from: 'server', to: 'WeChat', event: code2Session ? 'code2session' : 'wechat-call', text: { wire: `${call.method} ${call.path}?${params}` }, tone: ok ? undefined : 'error' })
    log.add({
      from: 'WeChat',
      to: 'server',
      event: 'wechat-answer',
      text: texts => ok ? (code2Session ? texts.log.code2SessionAnswer : texts.log.wechatOk) : texts.log.wechatFailed(failure),
      tone: ok ? 'ok' : 'error'
    })
  }
}

// One pull at a time, so the poll and a response never log the same call twice.
let pulling: Promise<void> = Promise.resolve()
function syncWechatCalls (): Promise<void> {
  pulling = pulling.then(pullWechatCalls, pullWechatCalls)
  return pulling
}

/** A result's title: the phone, then what happened (a request line stays as it is). */
const titled = (party: Party, what: Localized | string): Localized =>
  texts => texts.response.titled(texts.parties[party], typeof what === 'string' ? what : what(texts))

function showResponse (title: Localized, data: unknown, note?: Localized): void {
  const json = JSON.stringify(data, null, 2)
  show(responseView, texts => [title(texts), note?.(texts), json].filter(line => line !== undefined).join('\n'))
}

function explainResult (title: Localized, explanation: Localized): void {
  show(responseView, texts => `${title(texts)}\n${explanation(texts)}`)
}

function showUser (user: WxLoginUser | null): void {
  userView.classList.toggle('empty', user === null)
  if (user !== null) {
    showVerbatim(userView, JSON.stringify(user, null, 2))
  } else {
    const tokenStored = phone1.auth.isLoggedIn()
    show(userView, texts => tokenStored ? texts.user.tokenOnly : texts.user.notLoggedIn)
  }
}

// ---- A phone: the real @wx-login/client over a browser wx runtime with storage of its own.
interface Phone {
  auth: WxLogin
  showStatus (): void
  showSessions (): Promise<void>
}

function createPhone (party: Party, prefix: string, storagePrefix: string, hooks: { onLogin?: (user: WxLoginUser) => void, onLogout?: () => void } = {}): Phone {
  const id = (name: string): string => prefix + name
  const loginCount = element<HTMLElement>(id('login-count'))
  const status = element<HTMLElement>(id('status'))
  const endedBox = element<HTMLElement>(id('session-ended'))
  const endedText = element<HTMLElement>(id('session-ended-text'))
  const sessionList = element<HTMLUListElement>(id('session-list'))
  let wxLogins = 0

  async function onWxEvent (event: WxEvent): Promise<void> {
    switch (event.type) {
      case 'login':
        wxLogins++
        loginCount.textContent = String(wxLogins)
        log.add({ from: party, to: 'WeChat', event: 'wx.login', text: texts => texts.log.wxLoginAs(event.user) })
        break
      case 'login:ok':
        log.add({ from: 'WeChat', to: party, event: 'code', text: texts => texts.log.code(short(event.code)), tone: 'ok' })
        break
      case 'login:fail':
        log.add({ from: 'WeChat', to: party, event: 'code', text: texts => texts.log.failed(event.errMsg), tone: 'error' })
        break
      case 'request':
        log.add({ from: party, to: 'server', event: 'request', text: { wire: `${event.method} ${path(event.url)}${event.withToken ? '  Authorization: Bearer …' : ''}` } })
        break
      case 'response': {
        // What the server asked WeChat while answering goes before its answer.
        await syncWechatCalls()
        const ok = event.statusCode < 400
        const body = event.data as { token?: unknown, code?: unknown } | null
        const reason = refusalOf(body?.code)
        const token = typeof body?.token === 'string' ? short(body.token) : undefined
        const code = typeof body?.code === 'string' ? body.code : '' // the server's error code, never translated
        const text: Localized = texts => {
          const detail = token === undefined ? code : texts.log.token(token)
          const why = reason === undefined ? '' : texts.log.refusal(reason, texts.refusals[reason])
          return `${event.statusCode} ${detail}${why}`.trim()
        }
        log.add({ from: 'server', to: party, event: 'response', text, tone: ok ? 'ok' : 'error', reason })
        break
      }
      case 'request:fail':
        log.add({ from: 'server', to: party, event: 'response', text: texts => texts.log.failed(event.errMsg), tone: 'error' })
        break
    }
  }

  const model = `Playground ${party}`
  const wx = createBrowserWx({
    loginUrl: '/playground/mock/login',
    user: () => userPicker.value,
    onEvent: onWxEvent,
    storagePrefix,
    deviceInfo: { platform: 'devtools', brand: 'Browser', model, system: navigator.platform || 'web' }
  })

  function showStatus (): void {
    const token = auth.getToken()
    show(status, texts => token === null ? texts.status.noToken : texts.status.tokenStored(short(token)))
    status.classList.toggle('on', token !== null)
  }

  function showEnded (ended: SessionEndedError | null): void {
    endedBox.hidden = ended === null
    if (ended === null) return
    const { reason, until } = ended
    show(endedText, texts => texts.ended[reason] + (until === undefined ? '' : texts.until(until)))
  }

  const auth = createWxLogin({
    baseURL: location.origin,
    wx,
    onLogin (result) {
      showEnded(null)
      hooks.onLogin?.(result.user)
      showStatus()
    },
    onLogout () {
      hooks.onLogout?.()
      sessionList.hidden = true
      showStatus()
    },
    onSessionEnded (ended) {
      log.add({ from: party, event: 'session-ended', text: texts => texts.log.sessionEnded(ended.reason), tone: 'error', reason: ended.reason })
      showEnded(ended)
      sessionList.hidden = true
      showStatus()
    },
    onError (err) {
      // What an app would tell its user, in the page's language, above the error as data: the
      // server's code, the client's own message (English) and the reason stay as they are.
      const code = 'code' in err ? err.code : undefined
      const reason = 'reason' in err ? err.reason : undefined
      showResponse(titled(party, err.name), { code, message: err.message, reason }, texts => texts.response.forUser(err))
    }
  })

  async function showSessions (): Promise<void> {
    const sessions = await auth.listSessions()
    sessionList.replaceChildren(...sessions.map((session) => {
      const row = document.createElement('li')
      row.dataset.testid = id('session-row')
      row.dataset.current = String(session.current)
      const name = document.createElement('span')
      const device = document.createElement('span')
      // The model the phone posted at login: data, like the ip.
      if (session.device?.model !== undefined) showVerbatim(device, session.device.model)
      else show(device, texts => texts.sessions.unknownDevice)
      name.append(device)
      if (session.current) {
        const mark = document.createElement('span')
        mark.className = 'current'
        show(mark, texts => texts.sessions.thisDevice)
        name.append(mark)
      }
      const meta = document.createElement('span')
      meta.className = 'meta'
      const since = new Date(session.createdAt).toLocaleTimeString('en-GB')
      const seen = new Date(session.lastSeenAt).toLocaleTimeString('en-GB')
      show(meta, texts => texts.sessions.meta(session.ip, since, seen))
      const end = document.createElement('button')
      end.type = 'button'
      end.className = 'quiet'
      end.dataset.testid = id('end-session')
      show(end, texts => texts.sessions.end)
      end.addEventListener('click', () => void run(async () => {
        await auth.endSession(session.id)
        explainResult(titled(party, `DELETE /auth/wechat/sessions/${session.id} → 204`), texts => session.current ? texts.response.ownSessionEnded : texts.response.otherSessionEnded)
        await showSessions()
      }))
      row.append(name, end, meta)
      return row
    }))
    sessionList.hidden = false
  }

  element(id('login')).addEventListener('click', () => void run(async () => {
    const result = await auth.login()
    showResponse(titled(party, texts => texts.response.login), { isNewUser: result.isNewUser, expiresAt: result.expiresAt })
  }))
  element(id('sign-in-again')).addEventListener('click', () => void run(async () => {
    await auth.login()
    explainResult(titled(party, texts => texts.response.signedInAgain), texts => texts.response.signedInAgainNote)
  }))
  element(id('call-me')).addEventListener('click', () => void run(async () => {
    const res = await auth.request<WxLoginUser>({ url: '/api/me' })
    showResponse(titled(party, `GET /api/me → ${res.statusCode}`), res.data)
    if (res.statusCode === 200) hooks.onLogin?.(res.data)
  }))
  element(id('list-sessions')).addEventListener('click', () => void run(showSessions))
  element(id('logout')).addEventListener('click', () => void run(async () => {
    await auth.logout()
    explainResult(titled(party, texts => texts.response.loggedOut), texts => texts.response.loggedOutNote)
  }))

  return { auth, showStatus, showSessions }
}

async function run (action: () => Promise<void>): Promise<void> {
  // The phones' buttons, not the language switch: switching mid-call is harmless.
  const buttons = document.querySelectorAll<HTMLButtonElement>('main button')
  buttons.forEach(button => { button.disabled = true })
  try {
    await action()
  } catch {
    // shown by onError
  } finally {
    buttons.forEach(button => { button.disabled = false })
    phone1.showStatus()
    phone2.showStatus()
  }
}

const phone1 = createPhone('phone 1', '', 'wx:', { onLogin: showUser, onLogout: () => showUser(null) })
const phone2 = createPhone('phone 2', 'phone2-', 'wx2:')

element('revoke').addEventListener('click', () => void run(async () => {
  const res = await phone1.auth.request({ url: '/api/demo/revoke', method: 'POST' })
  explainResult(titled('phone 1', `POST /api/demo/revoke → ${res.statusCode}`), texts => texts.response.revokedNote)
}))

element('garble').addEventListener('click', () => {
  // A bare string, as version 0.1 of the client stored tokens: one the server has never issued.
  localStorage.setItem('wx:token', JSON.stringify('garbled-' + Math.random().toString(36).slice(2)))
  phone1.showStatus()
  explainResult(titled('phone 1', texts => texts.response.garbled), texts => texts.response.garbledNote)
})

element('get-phone').addEventListener('click', () => void run(async () => {
  const user = userPicker.value
  const phoneNumber = element<HTMLInputElement>('phone-input').value
  log.add({ from: 'phone 1', to: 'WeChat', event: 'getPhoneNumber', text: texts => texts.log.getPhoneNumberAs(user) })
  const minted = await fetch('/playground/mock/phone-code', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, phoneNumber })
  })
  const answer = await minted.json() as { code?: string, message?: string }
  if (answer.code === undefined) {
    const failure = answer.message ?? `HTTP ${minted.status}`
    log.add({ from: 'WeChat', to: 'phone 1', event: 'phone-code', text: texts => texts.log.failed(failure), tone: 'error' })
    showResponse(titled('phone 1', texts => texts.response.getPhoneFailed), answer)
    return
  }
  const phoneCode = short(answer.code)
  log.add({ from: 'WeChat', to: 'phone 1', event: 'phone-code', text: texts => texts.log.phoneCode(phoneCode), tone: 'ok' })
  const res = await phone1.auth.request({ url: '/auth/wechat/phone', method: 'POST', data: { code: answer.code } })
  showResponse(titled('phone 1', `POST /auth/wechat/phone → ${res.statusCode}`), res.data)
}))

element('clear-log').addEventListener('click', () => log.clear())

show(responseView, texts => texts.page.nothingYet)
showUser(null)
phone1.showStatus()
phone2.showStatus()

// Only calls made from now on; then keep up with calls made elsewhere (curl, a second tab).
void (async () => {
  const res = await fetch('/api/demo/calls')
  if (res.ok) seenCalls = (await res.json() as { total: number }).total
  document.body.dataset.ready = 'true'
  setInterval(() => { if (!document.hidden) void syncWechatCalls() }, 2000)
})()
