import type { WxLike } from '@wx-login/client'

/** What the runtime reports to the page, in the order it happens. A hook may be async: the call waits for it. */
export type WxEvent =
  | { type: 'login', user: string }
  | { type: 'login:ok', code: string }
  | { type: 'login:fail', errMsg: string }
  | { type: 'request', method: string, url: string, withToken: boolean }
  | { type: 'response', method: string, url: string, statusCode: number, data: unknown }
  | { type: 'request:fail', method: string, url: string, errMsg: string }

export interface BrowserWxOptions {
  /** Where wx.login() gets its code: the demo server's proxy of the WeChat mock's /mock/login. */
  loginUrl: string
  /** The WeChat user "holding the phone" right now. */
  user: () => string
  /** Default window.localStorage. */
  storage?: Storage
  /** Prefix of the storage keys, so the playground does not collide with the page's own. Default 'wx:'. */
  storagePrefix?: string
  onEvent?: (event: WxEvent) => void | Promise<void>
  /** What wx.getDeviceInfo() answers: the client posts it at login, and the session list shows it. */
  deviceInfo: { platform: string, brand: string, model: string, system: string }
}

interface Callbacks<S> {
  success?: (result: S) => void
  fail?: (err: { errMsg: string }) => void
  complete?: (result: S | { errMsg: string }) => void
}

/** Calls success/fail/complete the way wx does. `option` is any wx option object (their fail types differ in detail). */
function settle (option: object, outcome: { ok: true, result: object } | { ok: false, errMsg: string }): void {
  const callbacks = option as Callbacks<object>
  if (outcome.ok) {
    callbacks.success?.(outcome.result)
    callbacks.complete?.(outcome.result)
  } else {
    callbacks.fail?.({ errMsg: outcome.errMsg })
    callbacks.complete?.({ errMsg: outcome.errMsg })
  }
}

function toQuery (data: Record<string, unknown>): string {
  return Object.entries(data)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(typeof value === 'object' ? JSON.stringify(value) : String(value))}`)
    .join('&')
}

/**
 * The slice of the mini-program `wx` API the client needs, for a browser:
 * login() mints a code from the WeChat mock for the picked user (what WeChat
 * does for the person holding the phone), request() runs over fetch with wx's
 * semantics (any HTTP answer is a success with `statusCode`; `fail` only when
 * the request did not complete), storage lives in localStorage.
 */
export function createBrowserWx (options: BrowserWxOptions): WxLike {
  const storage = options.storage ?? window.localStorage
  const prefix = options.storagePrefix ?? 'wx:'
  const emit = async (event: WxEvent): Promise<void> => { await options.onEvent?.(event) }

  async function mintCode (user: string): Promise<string> {
    const res = await fetch(options.loginUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user })
    })
    const body = await res.json() as { code?: unknown, message?: unknown }
    if (!res.ok || typeof body.code !== 'string') throw new Error(typeof body.message === 'string' ? body.message : `HTTP ${res.status}`)
    return body.code
  }

  function unsupported (name: string) {
    return (option: object) => {
      settle(option, { ok: false, errMsg: `${name}:fail not available in the browser playground` })
    }
  }

  return {
    login (option: WechatMiniprogram.LoginOption) {
      const user = options.user()
      void (async () => {
        await emit({ type: 'login', user })
        try {
          const code = await mintCode(user)
          await emit({ type: 'login:ok', code })
          settle(option, { ok: true, result: { code, errMsg: 'login:ok' } })
        } catch (err) {
          const errMsg = `login:fail ${(err as Error).message}`
          await emit({ type: 'login:fail', errMsg })
          settle(option, { ok: false, errMsg })
        }
      })()
    },

    request (option: WechatMiniprogram.RequestOption) {
      const controller = new AbortController()
      const method = option.method ?? 'GET'
      const headers: Record<string, string> = { ...(option.header as Record<string, string> | undefined) }
      const data = option.data as Record<string, unknown> | string | undefined
      let url = option.url
      let body: string | undefined
      if (method === 'GET' && typeof data === 'object' && data !== null) {
        const query = toQuery(data)
        if (query !== '') url += (url.includes('?') ? '&' : '?') + query
      } else if (data !== undefined) {
        body = typeof data === 'string' ? data : JSON.stringify(data)
        if (!Object.keys(headers).some(name => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json'
      }
      const timer = option.timeout === undefined ? undefined : setTimeout(() => controller.abort(), option.timeout)

      void (async () => {
        await emit({ type: 'request', method, url, withToken: Object.keys(headers).some(name => name.toLowerCase() === 'authorization') })
        try {
          const res = await fetch(url, { method, headers, body, signal: controller.signal })
          const text = await res.text()
          let resData: unknown = text
          if ((option.dataType ?? 'json') === 'json') {
            try { resData = JSON.parse(text) } catch { /* wx hands over the raw string */ }
          }
          const header: Record<string, string> = {}
          res.headers.forEach((value, name) => { header[name] = value })
          await emit({ type: 'response', method, url, statusCode: res.status, data: resData })
          settle(option, { ok: true, result: { statusCode: res.status, data: resData, header, cookies: [], errMsg: 'request:ok' } })
        } catch (err) {
          const errMsg = controller.signal.aborted ? 'request:fail timeout' : `request:fail ${(err as Error).message}`
          await emit({ type: 'request:fail', method, url, errMsg })
          settle(option, { ok: false, errMsg })
        } finally {
          clearTimeout(timer)
        }
      })()
      return { abort: () => controller.abort() }
    },

    checkSession (option: WechatMiniprogram.CheckSessionOption) {
      settle(option, { ok: true, result: { errMsg: 'checkSession:ok' } })
    },
    canIUse: (schema: string) => schema === 'getDeviceInfo' || schema === 'getAppBaseInfo',
    getDeviceInfo: () => ({ ...options.deviceInfo }),
    getAppBaseInfo: () => ({ version: '8.0.50', SDKVersion: '3.5.8' }),

    uploadFile: unsupported('uploadFile'),
    downloadFile: unsupported('downloadFile'),

    getStorageSync (key: string): unknown {
      const raw = storage.getItem(prefix + key)
      return raw === null ? '' : JSON.parse(raw) as unknown
    },
    setStorageSync (key: string, value: unknown): void {
      storage.setItem(prefix + key, JSON.stringify(value))
    },
    removeStorageSync (key: string): void {
      storage.removeItem(prefix + key)
    }
  }
}
