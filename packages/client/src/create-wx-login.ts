import { AuthError, LoginError, NetworkError } from './errors.js'
import type {
  DownloadFileOptions, DownloadResponse, LoginResult, RequestOptions, ServerResponse,
  UploadFileOptions, UploadResponse, WxLike, WxLogin, WxLoginOptions, WxLoginUser, WxResponse
} from './types.js'
import { isUnder, resolveURL } from './url.js'
import { wxCall, type WxCallbacks } from './wx-call.js'

type Header = Record<string, string> | undefined
type ErrorBody = { code?: unknown, message?: unknown } | undefined

function globalWx (): WxLike | undefined {
  return typeof wx === 'undefined' ? undefined : wx
}

/** Parsed JSON, or undefined: `wx.uploadFile` hands the body over as a string. */
function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The `code`/`message` of a server error body, when it is JSON shaped like Fastify's errors. */
function errorBody (res: ServerResponse): { code?: string, message?: string } {
  const data = typeof res.data === 'string' ? parseJson(res.data) : res.data
  const body = (data !== null && typeof data === 'object' ? data : undefined) as ErrorBody
  return {
    code: body && typeof body.code === 'string' ? body.code : undefined,
    message: body && typeof body.message === 'string' ? body.message : undefined
  }
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
  const timeout = options.timeout === undefined ? {} : { timeout: options.timeout }
  // The login in flight: every caller that needs a token while it runs waits on it.
  let pending: Promise<LoginResult<User>> | null = null

  function getToken (): string | null {
    const token = api.getStorageSync(tokenKey)
    return typeof token === 'string' && token ? token : null
  }

  function withToken (header: Header, token: string): Record<string, string> {
    return { ...header, [headerName]: scheme ? scheme + ' ' + token : token }
  }

  function post (path: string, data: object, header?: Header): Promise<WxResponse> {
    return wxCall<WxResponse>((cb) => api.request({ ...timeout, url: resolveURL(base, path), method: 'POST', data, header, ...cb }), NetworkError)
  }

  async function runLogin (): Promise<LoginResult<User>> {
    let extra: Record<string, unknown> = {}
    try {
      if (options.loginData) extra = await options.loginData()
    } catch (err) {
      throw new LoginError('loginData() failed: ' + (err instanceof Error ? err.message : String(err)))
    }
    const { code } = await wxCall<{ code: string }>((cb) => api.login({ ...timeout, ...cb }), LoginError, 'wx.login failed: ')
    const res = await post(options.loginPath || '/auth/wechat/login', { ...extra, code })
    const result = res.data as LoginResult<User>
    if (res.statusCode < 200 || res.statusCode > 299 || !result || typeof result.token !== 'string' || !result.token) {
      const body = errorBody(res)
      throw new LoginError(body.message || 'login failed with HTTP ' + res.statusCode, { statusCode: res.statusCode, code: body.code, res })
    }
    api.setStorageSync(tokenKey, result.token)
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

  async function currentToken (): Promise<string> {
    if (pending) return (await pending).token
    return getToken() || (await login()).token
  }

  /** Sends with the token; on an auth error gets a fresh one (shared with every other caller) and retries once. */
  async function sendAuthorized<R extends ServerResponse> (send: (header: Header) => Promise<R>, header: Header): Promise<R> {
    let token = await currentToken()
    let res = await send(withToken(header, token))
    if (!isAuthError(res)) return res
    const stored = getToken()
    if (pending) {
      token = (await pending).token
    } else if (stored && stored !== token) {
      // Someone logged in while this request was in flight: its token is already fresh.
      token = stored
    } else {
      if (stored) api.removeStorageSync(tokenKey)
      token = (await login()).token
    }
    res = await send(withToken(header, token))
    if (isAuthError(res)) {
      const body = errorBody(res)
      throw new AuthError(body.message || 'still unauthorized after logging in again', { statusCode: res.statusCode, code: body.code, res })
    }
    return res
  }

  function report<T> (call: Promise<T>): Promise<T> {
    return call.catch((err: Error) => {
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
    return report(auth === false || !isUnder(base, url) ? send(header) : sendAuthorized(send, header))
  }

  return {
    login: () => report(login()),
    request: <T>(opts: RequestOptions) => transfer<WxResponse<T>>('request', opts),
    uploadFile: (opts: UploadFileOptions) => transfer<UploadResponse>('uploadFile', opts),
    downloadFile: (opts: DownloadFileOptions) => transfer<DownloadResponse>('downloadFile', opts),
    async logout () {
      if (pending) await pending.catch(() => undefined)
      const token = getToken()
      api.removeStorageSync(tokenKey)
      // Best effort: the token is gone locally whatever the server says.
      if (token) await post(options.logoutPath || '/auth/wechat/logout', {}, withToken(undefined, token)).catch(() => undefined)
      if (options.onLogout) options.onLogout()
    },
    getToken,
    isLoggedIn: () => getToken() !== null
  }
}
