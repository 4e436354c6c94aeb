import { createWxLogin, type SessionEndedError, type TokenRefusal, type WxLogin, type WxLoginUser } from '@wx-login/client'
import { createBrowserWx, type WxEvent } from './browser-wx.js'
import { SequenceLog, type Party } from './sequence-log.js'

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
    log.add({ from: 'server', to: 'WeChat', event: call.path === '/sns/jscode2session' ? 'code2session' : 'wechat-call', text: `${call.method} ${call.path}?${params}`, tone: ok ? undefined : 'error' })
    log.add({
      from: 'WeChat',
      to: 'server',
      event: 'wechat-answer',
      text: ok ? (call.path === '/sns/jscode2session' ? 'openid, session_key (kept on the server), unionid' : 'ok') : `errcode ${String(call.errcode ?? `HTTP ${String(call.status)}`)}`,
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

// ---- Why the server refused a token, in words.
const REFUSALS: Record<TokenRefusal, string> = {
  missing: 'no token reached the server → the client logs in silently',
  invalid: 'the server does not know this token → the client logs in silently',
  expired: 'the token is past its lifetime → the client logs in silently',
  idle: 'the token was unused too long → the client logs in silently',
  revoked: 'the session was logged out or ended elsewhere → session ended, the app asks',
  replaced: 'a newer login took this session’s place → session ended, the app asks',
  banned: 'the user is banned → session ended'
}

const ENDED_PROMPTS: Partial<Record<TokenRefusal, string>> = {
  replaced: 'You signed in on another phone. Sign in here again?',
  revoked: 'This session was ended (revoked on the server or from another device). Sign in again?',
  banned: 'This account is banned.'
}

function refusalOf (code: unknown): TokenRefusal | undefined {
  const match = typeof code === 'string' ? /^FST_WX_LOGIN_(?:TOKEN_(MISSING|INVALID|EXPIRED|IDLE|REVOKED|REPLACED)|(BANNED))$/.exec(code) : null
  return match === null ? undefined : (match[1] ?? match[2])!.toLowerCase() as TokenRefusal
}

function showResponse (title: string, value: unknown): void {
  responseView.textContent = `${title}\n${JSON.stringify(value, null, 2)}`
}

function showUser (user: WxLoginUser | null): void {
  userView.textContent = user !== null
    ? JSON.stringify(user, null, 2)
    : phone1.auth.isLoggedIn() ? 'A token is stored: call /api/me to see whose.' : 'Not logged in.'
  userView.classList.toggle('empty', user === null)
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
        log.add({ from: party, to: 'WeChat', event: 'wx.login', text: `wx.login() as ${event.user}` })
        break
      case 'login:ok':
        log.add({ from: 'WeChat', to: party, event: 'code', text: `code ${short(event.code)} (single use, 5 minutes)`, tone: 'ok' })
        break
      case 'login:fail':
        log.add({ from: 'WeChat', to: party, event: 'code', text: event.errMsg, tone: 'error' })
        break
      case 'request':
        log.add({ from: party, to: 'server', event: 'request', text: `${event.method} ${path(event.url)}${event.withToken ? '  Authorization: Bearer …' : ''}` })
        break
      case 'response': {
        // What the server asked WeChat while answering goes before its answer.
        await syncWechatCalls()
        const ok = event.statusCode < 400
        const body = event.data as { token?: unknown, code?: unknown } | null
        const reason = refusalOf(body?.code)
        const detail = typeof body?.token === 'string' ? `token ${short(body.token)}` : typeof body?.code === 'string' ? body.code : ''
        const why = reason === undefined ? '' : ` · ${reason}: ${REFUSALS[reason]}`
        log.add({ from: 'server', to: party, event: 'response', text: `${event.statusCode} ${detail}${why}`.trim(), tone: ok ? 'ok' : 'error', reason })
        break
      }
      case 'request:fail':
        log.add({ from: 'server', to: party, event: 'response', text: event.errMsg, tone: 'error' })
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
    status.textContent = token === null ? 'No token stored' : `Token stored: ${short(token)}`
    status.classList.toggle('on', token !== null)
  }

  function showEnded (ended: SessionEndedError | null): void {
    endedBox.hidden = ended === null
    if (ended !== null) endedText.textContent = ENDED_PROMPTS[ended.reason] ?? `The session ended (${ended.reason}). Sign in again?`
    if (ended !== null && ended.until !== undefined) endedText.textContent += ` (until ${ended.until})`
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
      log.add({ from: party, event: 'session-ended', text: `session ended (${ended.reason}): token cleared, no silent login; the app asks the user`, tone: 'error', reason: ended.reason })
      showEnded(ended)
      sessionList.hidden = true
      showStatus()
    },
    onError (err) {
      showResponse(`${party}: ${err.name}`, { message: err.message, ...('reason' in err ? { reason: err.reason } : {}) })
    }
  })

  async function showSessions (): Promise<void> {
    const sessions = await auth.listSessions()
    sessionList.replaceChildren(...sessions.map((session) => {
      const row = document.createElement('li')
      row.dataset.testid = id('session-row')
      row.dataset.current = String(session.current)
      const name = document.createElement('span')
      name.textContent = session.device?.model ?? 'unknown device'
      if (session.current) {
        const mark = document.createElement('span')
        mark.className = 'current'
        mark.textContent = ' · This device'
        name.append(mark)
      }
      const meta = document.createElement('span')
      meta.className = 'meta'
      meta.textContent = `${session.ip ?? 'no ip'} · since ${new Date(session.createdAt).toLocaleTimeString('en-GB')} · seen ${new Date(session.lastSeenAt).toLocaleTimeString('en-GB')}`
      const end = document.createElement('button')
      end.type = 'button'
      end.className = 'quiet'
      end.dataset.testid = id('end-session')
      end.textContent = 'End'
      end.addEventListener('click', () => void run(async () => {
        await auth.endSession(session.id)
        showResponse(`${party}: DELETE /auth/wechat/sessions/${session.id} → 204`, session.current ? 'This device’s own session: its next call meets 401 REVOKED.' : 'That device’s next call meets 401 REVOKED: its session ends, no silent login.')
        await showSessions()
      }))
      row.append(name, end, meta)
      return row
    }))
    sessionList.hidden = false
  }

  element(id('login')).addEventListener('click', () => void run(async () => {
    const result = await auth.login()
    showResponse(`${party}: Login`, { isNewUser: result.isNewUser, expiresAt: result.expiresAt })
  }))
  element(id('sign-in-again')).addEventListener('click', () => void run(async () => {
    await auth.login()
    showResponse(`${party}: Signed in again`, 'A new session; with one session per user the other phone’s is the one that ends now.')
  }))
  element(id('call-me')).addEventListener('click', () => void run(async () => {
    const res = await auth.request<WxLoginUser>({ url: '/api/me' })
    showResponse(`${party}: GET /api/me → ${res.statusCode}`, res.data)
    if (res.statusCode === 200) hooks.onLogin?.(res.data)
  }))
  element(id('list-sessions')).addEventListener('click', () => void run(showSessions))
  element(id('logout')).addEventListener('click', () => void run(async () => {
    await auth.logout()
    showResponse(`${party}: Logged out`, 'The server revoked the token and the client removed it from storage.')
  }))

  return { auth, showStatus, showSessions }
}

async function run (action: () => Promise<void>): Promise<void> {
  const buttons = document.querySelectorAll<HTMLButtonElement>('button')
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
  showResponse(`phone 1: POST /api/demo/revoke → ${res.statusCode}`, 'The server revoked this token; the client still holds it. Call /api/me: the server answers 401 REVOKED, the client clears the token and leaves signing in again to the app.')
}))

element('garble').addEventListener('click', () => {
  // A bare string, as version 0.1 of the client stored tokens: one the server has never issued.
  localStorage.setItem('wx:token', JSON.stringify('garbled-' + Math.random().toString(36).slice(2)))
  phone1.showStatus()
  showResponse('phone 1: token garbled', 'The server does not know the stored token. Call /api/me: 401 INVALID, one silent wx.login, the call is retried.')
})

element('get-phone').addEventListener('click', () => void run(async () => {
  const user = userPicker.value
  const phoneNumber = element<HTMLInputElement>('phone-input').value
  log.add({ from: 'phone 1', to: 'WeChat', event: 'getPhoneNumber', text: `<button open-type="getPhoneNumber"> as ${user}` })
  const minted = await fetch('/playground/mock/phone-code', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, phoneNumber })
  })
  const answer = await minted.json() as { code?: string, message?: string }
  if (answer.code === undefined) {
    log.add({ from: 'WeChat', to: 'phone 1', event: 'phone-code', text: answer.message ?? `HTTP ${minted.status}`, tone: 'error' })
    showResponse('getPhoneNumber failed', answer)
    return
  }
  log.add({ from: 'WeChat', to: 'phone 1', event: 'phone-code', text: `phone code ${short(answer.code)} (single use)`, tone: 'ok' })
  const res = await phone1.auth.request({ url: '/auth/wechat/phone', method: 'POST', data: { code: answer.code } })
  showResponse(`POST /auth/wechat/phone → ${res.statusCode}`, res.data)
}))

element('clear-log').addEventListener('click', () => log.clear())

// Only calls made from now on; then keep up with calls made elsewhere (curl, a second tab).
void (async () => {
  const res = await fetch('/api/demo/calls')
  if (res.ok) seenCalls = (await res.json() as { total: number }).total
  showUser(null)
  phone1.showStatus()
  phone2.showStatus()
  document.body.dataset.ready = 'true'
  setInterval(() => { if (!document.hidden) void syncWechatCalls() }, 2000)
})()
