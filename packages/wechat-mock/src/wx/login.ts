import { fail } from './async-api.js'

/** Asks the mock for the code `wx.login()` would give `user` in app `appId`. */
export async function mintCode (mockUrl: string, user: string, appId: string | undefined): Promise<string> {
  let res: Response
  try {
    res = await fetch(`${mockUrl.replace(/\/+$/, '')}/mock/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(appId === undefined ? { user } : { user, appid: appId })
    })
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause
    throw fail(`login:fail ${cause?.message ?? (err as Error).message}`)
  }
  const text = await res.text()
  let body: { code?: unknown, message?: unknown, errmsg?: unknown } = {}
  try {
    body = JSON.parse(text) as typeof body
  } catch {
    // reported below with the status
  }
  if (!res.ok || typeof body.code !== 'string') {
    const reason = typeof body.message === 'string' ? body.message : typeof body.errmsg === 'string' ? body.errmsg : `HTTP ${res.status}`
    throw fail(`login:fail ${reason}`)
  }
  return body.code
}
