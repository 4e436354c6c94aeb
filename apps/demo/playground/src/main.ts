import { createWxLogin, type WxLoginUser } from '@wx-login/client'
import { createBrowserWx, type WxEvent } from './browser-wx.js'
import { SequenceLog } from './sequence-log.js'

function element<T extends HTMLElement> (testId: string): T {
  const found = document.querySelector<T>(`[data-testid="${testId}"]`)
  if (found === null) throw new Error(`missing element ${testId}`)
  return found
}

const userPicker = element<HTMLSelectElement>('user-picker')
const statusLine = element<HTMLElement>('status')
const userView = element<HTMLElement>('user')
const responseView = element<HTMLElement>('response')
const loginCount = element<HTMLElement>('login-count')
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

// ---- The mini program side: the real @wx-login/client over a browser wx runtime.
let wxLogins = 0

async function onWxEvent (event: WxEvent): Promise<void> {
  switch (event.type) {
    case 'login':
      wxLogins++
      loginCount.textContent = String(wxLogins)
      log.add({ from: 'mini program', to: 'WeChat', event: 'wx.login', text: `wx.login() as ${event.user}` })
      break
    case 'login:ok':
      log.add({ from: 'WeChat', to: 'mini program', event: 'code', text: `code ${short(event.code)} (single use, 5 minutes)`, tone: 'ok' })
      break
    case 'login:fail':
      log.add({ from: 'WeChat', to: 'mini program', event: 'code', text: event.errMsg, tone: 'error' })
      break
    case 'request':
      log.add({ from: 'mini program', to: 'server', event: 'request', text: `${event.method} ${path(event.url)}${event.withToken ? '  Authorization: Bearer …' : ''}` })
      break
    case 'response': {
      // What the server asked WeChat while answering goes before its answer.
      await syncWechatCalls()
      const ok = event.statusCode < 400
      const body = event.data as { token?: unknown, code?: unknown } | null
      const detail = typeof body?.token === 'string' ? `token ${short(body.token)}` : typeof body?.code === 'string' ? body.code : ''
      log.add({ from: 'server', to: 'mini program', event: 'response', text: `${event.statusCode} ${detail}`.trim(), tone: ok ? 'ok' : 'error' })
      break
    }
    case 'request:fail':
      log.add({ from: 'server', to: 'mini program', event: 'response', text: event.errMsg, tone: 'error' })
      break
  }
}

const wx = createBrowserWx({ loginUrl: '/playground/mock/login', user: () => userPicker.value, onEvent: onWxEvent })

function showUser (user: WxLoginUser | null): void {
  userView.textContent = user !== null
    ? JSON.stringify(user, null, 2)
    : auth.isLoggedIn() ? 'A token is stored: call /api/me to see whose.' : 'Not logged in.'
  userView.classList.toggle('empty', user === null)
}

function showStatus (): void {
  const token = auth.getToken()
  statusLine.textContent = token === null ? 'No token stored' : `Token stored: ${short(token)}`
  statusLine.classList.toggle('on', token !== null)
}

function showResponse (title: string, value: unknown): void {
  responseView.textContent = `${title}\n${JSON.stringify(value, null, 2)}`
}

const auth = createWxLogin({
  baseURL: location.origin,
  wx,
  onLogin (result) {
    showUser(result.user)
    showStatus()
  },
  onLogout () {
    showUser(null)
    showStatus()
  },
  onError (err) {
    showResponse(`Error: ${err.name}`, { message: err.message })
  }
})

async function run (action: () => Promise<void>): Promise<void> {
  const buttons = document.querySelectorAll<HTMLButtonElement>('button')
  buttons.forEach(button => { button.disabled = true })
  try {
    await action()
  } catch {
    // shown by onError
  } finally {
    buttons.forEach(button => { button.disabled = false })
    showStatus()
  }
}

element('login').addEventListener('click', () => void run(async () => {
  const result = await auth.login()
  showResponse('Login', { isNewUser: result.isNewUser, expiresAt: result.expiresAt })
}))

element('call-me').addEventListener('click', () => void run(async () => {
  const res = await auth.request<WxLoginUser>({ url: '/api/me' })
  showResponse(`GET /api/me → ${res.statusCode}`, res.data)
  if (res.statusCode === 200) showUser(res.data)
}))

element('revoke').addEventListener('click', () => void run(async () => {
  const res = await auth.request({ url: '/api/demo/revoke', method: 'POST' })
  showResponse(`POST /api/demo/revoke → ${res.statusCode}`, 'The server forgot this token; the client still holds it. Call /api/me: the client meets a 401, logs in again on its own and retries.')
}))

element('get-phone').addEventListener('click', () => void run(async () => {
  const user = userPicker.value
  const phoneNumber = element<HTMLInputElement>('phone-input').value
  log.add({ from: 'mini program', to: 'WeChat', event: 'getPhoneNumber', text: `<button open-type="getPhoneNumber"> as ${user}` })
  const minted = await fetch('/playground/mock/phone-code', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, phoneNumber })
  })
  const answer = await minted.json() as { code?: string, message?: string }
  if (answer.code === undefined) {
    log.add({ from: 'WeChat', to: 'mini program', event: 'phone-code', text: answer.message ?? `HTTP ${minted.status}`, tone: 'error' })
    showResponse('getPhoneNumber failed', answer)
    return
  }
  log.add({ from: 'WeChat', to: 'mini program', event: 'phone-code', text: `phone code ${short(answer.code)} (single use)`, tone: 'ok' })
  const res = await auth.request({ url: '/auth/wechat/phone', method: 'POST', data: { code: answer.code } })
  showResponse(`POST /auth/wechat/phone → ${res.statusCode}`, res.data)
}))

element('logout').addEventListener('click', () => void run(async () => {
  await auth.logout()
  showResponse('Logged out', 'The server revoked the token and the client removed it from storage.')
}))

element('clear-log').addEventListener('click', () => log.clear())

// Only calls made from now on; then keep up with calls made elsewhere (curl, a second tab).
void (async () => {
  const res = await fetch('/api/demo/calls')
  if (res.ok) seenCalls = (await res.json() as { total: number }).total
  showUser(null)
  showStatus()
  document.body.dataset.ready = 'true'
  setInterval(() => { if (!document.hidden) void syncWechatCalls() }, 2000)
})()
