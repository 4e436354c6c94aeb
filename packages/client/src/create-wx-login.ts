import { readDevice } from './device.js'
import { AuthError, LoginError, NetworkError, SessionEndedError, WxLoginError } from './errors.js'
import { errorBody, refusalOf, type AnswerError } from './server-answer.js'
import { readStored, timeLeft, toStored, type StoredToken } from './stored-token.js'
import type {
  DownloadFileOptions, DownloadResponse, LoginResult, RequestOptions, ServerResponse, SessionInfo,
  TokenRefusal, UploadFileOptions, UploadResponse, WxLike, WxLogin, WxLoginOptions, WxLoginUser, WxResponse
} from './types.js'
import { isUnder, resolveURL } from './url.js'
import { wxCall, type WxCallbacks } from './wx-call.js'

type Header = Record<string, string> | undefined

/** A refused token: why, and whether a silent login may fix it. */
interface Refusal extends AnswerError {
  reason?: TokenRefusal
  relogin: boolean
}

function globalWx (): WxLike | undefined {
  return typeof wx === 'undefined' ? undefined : wx
}

/**
 * Creates the login kit for one server. One instance per app: the shared
 * login (and so the single wx.login() per expired token) is per instance.
 */
export function createWxLogin<User = WxLoginUser> (options: WxLoginOptions<User>): WxLogin<User> {
  if (!options || typeof options.baseURL !== 'string' || !options.baseURL) throw new TypeError('createWxLogin: baseURL is required')
  const found = options.wx || globalWx()
  if (!found) throw new TypeError('createWxLogin: no global wx; pass options.wx')
  const api: WxLike = found
  const base = options.baseURL.replace(/\/+$/, '')
  const tokenKey = options.tokenKey || 'token'
  const headerName = options.header || 'Authorization'
  const scheme = options.scheme == null ? 'Bearer' : options.scheme
  const isAuthError = options.isAuthError || ((res: ServerResponse) => res.statusCode === 401)
  const reloginOn = options.reloginOn || ['missing', 'invalid', 'expired', 'idle']
  const refreshShare = options.refreshShare == null ? 0.5 : options.refreshShare
  const sessionsPath = options.sessionsPath || '/auth/wechat/sessions'
  const timeout = options.timeout === undefined ? {} : { timeout: options.timeout }
  // The login in flight: every caller that needs a token while it runs waits on it.
  let pending: Promise<LoginResult<User>> | null = null
  // The refresh in flight (requests do not wait for it: the old token stays good meanwhile).
  let refreshing: Promise<void> | null = null
  // A token whose refresh failed or did not extend it: not refreshed again.
  let noRefresh: string | undefined

  const read = (): ReturnType<typeof readStored> => readStored(api.getStorageSync(tokenKey))

  /** The stored token while it has time left. */
  function usable (): StoredToken | null {
    const stored = read()
    return stored && 'token' in stored && timeLeft(stored, Date.now()) > 0 ? stored : null
  }

  function getToken (): string | null {
    const stored = usable()
    return stored ? stored.token : null
  }

  function withToken (header: Header, token: string): Record<string, string> {
    return { ...header, [headerName]: scheme ? scheme + ' ' + token : token }
  }

  function call (method: 'GET' | 'POST' | 'DELETE', path: string, data?: object, header?: Header): Promise<WxResponse> {
    return wxCall<WxResponse>((cb) => api.request({ ...timeout, url: resolveURL(base, path), method, data, header, ...cb }), NetworkError)
  }

  async function runLogin (): Promise<LoginResult<User>> {
    let extra: Record<string, unknown> = {}
    try {
      if (options.loginData) extra = await options.loginData()
    } catch (err) {
      throw new LoginError('loginData() failed: ' + (err instanceof Error ? err.message : String(err)))
    }
    const { code } = await wxCall<{ code: string }>((cb) => api.login({ ...timeout, ...cb }), LoginError, 'wx.login failed: ')
    const device = options.sendDevice === false ? undefined : readDevice(api)
    const res = await call('POST', options.loginPath || '/auth/wechat/login', { device, ...extra, code })
    const result = res.data as LoginResult<User>
    if (res.statusCode < 200 || res.statusCode > 299 || !result || typeof result.token !== 'string' || !result.token) {
      const body = errorBody(res)
      throw new LoginError(body.message || 'login failed with HTTP ' + res.statusCode, { statusCode: res.statusCode, code: body.code, res })
    }
    api.setStorageSync(tokenKey, toStored(result, res.header, Date.now()))
    try {
      if (options.onLogin) options.onLogin(result)
    } catch (err) {
      // The login itself succeeded (the token is stored); the app's hook did not.
      throw new LoginError('onLogin() failed: ' + (err instanceof Error ? err.message : String(err)), { res })
    }
    return result
  }

  function login (): Promise<LoginResult<User>> {
    if (!pending) {
      const running = runLogin()
      const clear = (): void => {
        if (pending === running) pending = null
      }
      running.then(clear, clear)
      pending = running
    }
    return pending
  }

  /** The token to send: the running login's, the stored one while it has time left, or a new login's. */
  async function currentToken (): Promise<string> {
    if (pending) return (await pending).token
    const stored = read()
    if (stored && 'ended' in stored) {
      throw new SessionEndedError('session ended: ' + stored.ended, stored.ended, stored.until)
    }
    return getToken() || (await login()).token
  }

  /** Starts one refresh when the stored token is in the last `refreshShare` of its life. */
  function refreshIfDue (): void {
    const stored = usable()
    if (refreshing || !stored || stored.token === noRefresh || !(timeLeft(stored, Date.now()) < refreshShare * (stored.ttl as number))) return
    const { token } = stored
    refreshing = call('POST', options.refreshPath || '/auth/wechat/refresh', {}, withToken(undefined, token)).then((res) => {
      const issued = res.data as { token?: unknown, expiresAt?: string }
      if (res.statusCode !== 200 || !issued || typeof issued.token !== 'string') throw res
      const now = read()
      // A login or logout meanwhile wins over this refresh.
      if (!now || !('token' in now) || now.token !== token) return
      const next = toStored(issued as { token: string }, res.header, Date.now())
      api.setStorageSync(tokenKey, next)
      // At the session's maximum lifetime a refresh no longer extends it.
      if (!(Date.parse(next.expiresAt as string) > Date.parse(stored.expiresAt as string))) noRefresh = next.token
    }).catch(() => {
      noRefresh = token
    }).then(() => {
      refreshing = null
    })
  }

  /** Whether an answer refuses the token it carried, and how. */
  function refusal (res: ServerResponse): Refusal | undefined {
    const body = errorBody(res)
    const reason = refusalOf(body.code)
    if (reason) return { ...body, reason, relogin: reloginOn.indexOf(reason) >= 0 }
    // Other FST_WX_LOGIN_ codes (SESSION_KEY_STALE …) are about the request, not the token.
    if (!(body.code && body.code.indexOf('FST_WX_LOGIN_') === 0) && isAuthError(res)) return { ...body, relogin: true }
  }

  /** Clears the token the server ended (once, whoever meets the refusal first) and tells the app. */
  function endSession (res: ServerResponse, refused: Refusal, token: string): SessionEndedError {
    const reason = refused.reason as TokenRefusal
    const err = new SessionEndedError(refused.message || 'session ended: ' + reason, reason, refused.until, { statusCode: res.statusCode, code: refused.code, res })
    const stored = read()
    if (stored && 'token' in stored && stored.token === token) {
      api.setStorageSync(tokenKey, { ended: reason, until: refused.until })
      // After the rejection is settled: a throw in the app's hook must not replace it.
      if (options.onSessionEnded) Promise.resolve(err).then(options.onSessionEnded)
    }
    return err
  }

  /**
   * Sends with the token. A refusal in `reloginOn` (or an auth error without a code) gets a fresh token,
   * shared with every other caller, and one retry; any other refusal ends the session.
   */
  async function sendAuthorized<R extends ServerResponse> (send: (header: Header) => Promise<R>, header: Header): Promise<R> {
    let token = await currentToken()
    refreshIfDue()
    let res = await send(withToken(header, token))
    let refused = refusal(res)
    if (!refused) return res
    // The answer is about `token`: a login or refresh that ended meanwhile may hold a newer one.
    if (pending) await pending
    if (refreshing) await refreshing
    const stored = getToken()
    if (stored && stored !== token) {
      token = stored
    } else if (refused.relogin) {
      if (stored) api.removeStorageSync(tokenKey)
      token = (await login()).token
    } else {
      throw endSession(res, refused, token)
    }
    res = await send(withToken(header, token))
    refused = refusal(res)
    if (!refused) return res
    if (refused.relogin) throw new AuthError(refused.message || 'still unauthorized after logging in again', { statusCode: res.statusCode, code: refused.code, res })
    throw endSession(res, refused, token)
  }

  function report<T> (promise: Promise<T>): Promise<T> {
    return promise.catch((err: Error) => {
      if (options.onError) options.onError(err)
      throw err
    })
  }

  function transfer<R extends ServerResponse> (method: 'request' | 'uploadFile' | 'downloadFile', opts: RequestOptions | UploadFileOptions | DownloadFileOptions): Promise<R> {
    const { auth, header, ...rest } = opts
    const url = resolveURL(base, rest.url)
    const methods = api as unknown as Record<string, (option: object) => unknown>
    const send = (h: Header): Promise<R> => wxCall<R>((cb: WxCallbacks<R>) => methods[method]!({ ...timeout, ...rest, url, header: h, ...cb }), NetworkError)
    // Never send the token to another host.
    return auth === false || !isUnder(base, url) ? send(header) : sendAuthorized(send, header)
  }

  /** One of the session routes: its answer's data when 2xx, else a WxLoginError with the server's code. */
  async function sessionCall<T> (method: 'GET' | 'DELETE', path: string): Promise<T> {
    // wx sends `content-type: application/json` whatever the method; a server may refuse that with no body (Fastify does).
    const res = await transfer<WxResponse<T>>('request', { url: path, method, data: {} })
    if (res.statusCode > 299) {
      const body = errorBody(res)
      throw new WxLoginError(body.message || 'HTTP ' + res.statusCode, { statusCode: res.statusCode, code: body.code, res })
    }
    return res.data
  }

  async function ensureSessionKey (): Promise<void> {
    await currentToken()
    const check = api.checkSession
    const valid = check && await new Promise<boolean>((resolve) => {
      check.call(api, { success: () => resolve(true), fail: () => resolve(false) })
    })
    if (!valid) await login()
  }

  return {
    login: () => report(login()),
    request: <T>(opts: RequestOptions) => report(transfer<WxResponse<T>>('request', opts)),
    uploadFile: (opts: UploadFileOptions) => report(transfer<UploadResponse>('uploadFile', opts)),
    downloadFile: (opts: DownloadFileOptions) => report(transfer<DownloadResponse>('downloadFile', opts)),
    async logout () {
      if (pending) await pending.catch(() => undefined)
      const token = getToken()
      api.removeStorageSync(tokenKey)
      // Best effort: the token is gone locally whatever the server says.
      if (token) await call('POST', options.logoutPath || '/auth/wechat/logout', {}, withToken(undefined, token)).catch(() => undefined)
      if (options.onLogout) options.onLogout()
    },
    listSessions: () => report(sessionCall<{ sessions: SessionInfo[] }>('GET', sessionsPath).then((data) => data.sessions)),
    endSession: (id: string) => report(sessionCall<unknown>('DELETE', sessionsPath + '/' + encodeURIComponent(id)).then(() => undefined)),
    ensureSessionKey: () => report(ensureSessionKey()),
    getToken,
    isLoggedIn: () => getToken() !== null
  }
}
