/// <reference types="miniprogram-api-typings" preserve="true" />
import type { SessionEndedError } from './errors.js'

/**
 * The part of `wx` the client uses. Methods (not properties) so that the
 * global `wx`, Taro, uni-app and the Node runtime of @wx-login/wechat-mock
 * all fit without a cast.
 */
export interface WxLike {
  login(option: { timeout?: number } & WxLikeCallbacks<{ code: string }>): unknown
  request(option: Omit<WechatMiniprogram.RequestOption, 'success' | 'fail' | 'complete'> & WxLikeCallbacks<WxResponse>): unknown
  uploadFile(option: WechatMiniprogram.UploadFileOption): unknown
  downloadFile(option: WechatMiniprogram.DownloadFileOption): unknown
  getStorageSync(key: string): unknown
  setStorageSync(key: string, data: unknown): void
  removeStorageSync(key: string): void
  /** Used by ensureSessionKey(); without it, ensureSessionKey() logs in. */
  checkSession?(option: WechatMiniprogram.CheckSessionOption): unknown
  /** Device facts for the login; each is used only when present (and `canIUse` agrees). */
  canIUse?(schema: string): boolean
  getDeviceInfo?(): object
  getAppBaseInfo?(): object
  /** The fallback on base libraries older than 2.20.1. */
  getSystemInfoSync?(): object
}

/**
 * Why the server refused a token: the suffix of its error code, lower-cased
 * (`FST_WX_LOGIN_TOKEN_REPLACED` is `'replaced'`, `FST_WX_LOGIN_BANNED` is `'banned'`).
 */
export type TokenRefusal = 'missing' | 'invalid' | 'expired' | 'idle' | 'revoked' | 'replaced' | 'banned'

/** What the client posts as `device` at login: each field a string of at most 64 characters. */
export interface LoginDevice {
  platform?: string
  brand?: string
  model?: string
  system?: string
  /** WeChat's version. */
  version?: string
  /** The base library's version. */
  SDKVersion?: string
}

/** One of the user's live sessions, as `GET sessionsPath` lists them. */
export interface SessionInfo {
  id: string
  device: LoginDevice | null
  ip: string | null
  /** ISO date-time. */
  createdAt: string
  /** ISO date-time. */
  lastSeenAt: string
  /** True for the session of the token that asked. */
  current: boolean
}

/**
 * The callbacks the client passes: it reads only these fields of a result or
 * a failure, so a framework whose result types are narrower than wx's (Taro
 * has no `errno` on a login failure, no `profile` on a response) still fits.
 */
interface WxLikeCallbacks<Result> {
  success?: (result: Result) => void
  fail?: (err: { errMsg: string }) => void
}

/** What a request resolves with: wx.request's success result. */
export interface WxResponse<T = unknown> {
  statusCode: number
  data: T
  header: Record<string, string>
  cookies?: string[]
}

export interface UploadResponse {
  statusCode: number
  /** The response body as a string, as wx.uploadFile gives it. */
  data: string
}

export interface DownloadResponse {
  statusCode: number
  tempFilePath: string
  filePath?: string
}

/** The user the server's login route returns; widen it with `createWxLogin<MyUser>()`. */
export interface WxLoginUser {
  id: string | number
  appId: string
  openid: string
  unionid: string | null
}

/** The server's answer to `POST loginPath`. */
export interface LoginResult<User = WxLoginUser> {
  token: string
  /** ISO date-time the token expires at. */
  expiresAt: string
  user: User
  isNewUser: boolean
}

type Callbacks = 'success' | 'fail' | 'complete'

export interface RequestOptions extends Omit<WechatMiniprogram.RequestOption, Callbacks | 'header'> {
  header?: Record<string, string>
  /** Set to false for a public route: no token, no login, no retry. */
  auth?: boolean
}

export interface UploadFileOptions extends Omit<WechatMiniprogram.UploadFileOption, Callbacks | 'header'> {
  header?: Record<string, string>
  auth?: boolean
}

export interface DownloadFileOptions extends Omit<WechatMiniprogram.DownloadFileOption, Callbacks | 'header'> {
  header?: Record<string, string>
  auth?: boolean
}

/** Any server answer the client hands to `isAuthError` or attaches to an error: a request's, an upload's or a download's. */
export interface ServerResponse {
  statusCode: number
  data?: unknown
  header?: Record<string, string>
}

export interface WxLoginOptions<User = WxLoginUser> {
  /** Your server, e.g. `https://api.example.com`. Relative request URLs are joined to it. */
  baseURL: string
  /** Default `/auth/wechat/login`. */
  loginPath?: string
  /** Default `/auth/wechat/logout`. */
  logoutPath?: string
  /** Default `/auth/wechat/refresh`. */
  refreshPath?: string
  /** Default `/auth/wechat/sessions`; `endSession(id)` deletes `sessionsPath/id`. */
  sessionsPath?: string
  /**
   * Refresh the token (one `POST refreshPath`, shared by every request) when less than this share of
   * its life remains. Default 0.5; 0 never refreshes.
   */
  refreshShare?: number
  /**
   * Refusals answered with a silent login and one retry. Default `['missing', 'invalid', 'expired', 'idle']`.
   * Every other refusal ends the session: SessionEndedError, onSessionEnded, token cleared.
   */
  reloginOn?: TokenRefusal[]
  /** Post the device (from wx.getDeviceInfo / getAppBaseInfo, or getSystemInfoSync) at login. Default true. */
  sendDevice?: boolean
  /** Storage key of the token. Default `'token'`. */
  tokenKey?: string
  /** Header the token is sent in. Default `'Authorization'`. */
  header?: string
  /** Put before the token in that header. Default `'Bearer'`; `''` sends the bare token. */
  scheme?: string
  /** The wx API. Default: the global `wx`. Pass `Taro` or `uni` on those frameworks. */
  wx?: WxLike
  /**
   * For an answer without an `FST_WX_LOGIN_…` code: whether it means "log in again". Default:
   * `statusCode === 401`. Answers with a token code follow `reloginOn`; other `FST_WX_LOGIN_…` codes
   * (such as `FST_WX_LOGIN_SESSION_KEY_STALE`) resolve.
   */
  isAuthError?: (res: ServerResponse) => boolean
  /** Timeout in ms for every wx call the client makes (wx's default otherwise). */
  timeout?: number
  /** Extra fields posted with the code (nickname, invite code, …). */
  loginData?: () => Record<string, unknown> | Promise<Record<string, unknown>>
  /** Called after every successful login. */
  onLogin?: (result: LoginResult<User>) => void
  /** Called after logout() cleared the token. */
  onLogout?: () => void
  /**
   * Called once when the server ends the session (a refusal not in `reloginOn`), after the token was
   * cleared. Until `login()` is called again, authorized calls reject with a SessionEndedError of the same reason.
   */
  onSessionEnded?: (ended: SessionEndedError) => void
  /** Called with every error a call rejects with (a WxLoginError subclass), before it rejects. */
  onError?: (err: Error) => void
}

export interface WxLogin<User = WxLoginUser> {
  /** Logs in (or joins the login already running) and stores the token. */
  login(): Promise<LoginResult<User>>
  /** wx.request with the token; logs in first when there is none, and once more on an auth error. */
  request<T = unknown>(options: RequestOptions): Promise<WxResponse<T>>
  uploadFile(options: UploadFileOptions): Promise<UploadResponse>
  downloadFile(options: DownloadFileOptions): Promise<DownloadResponse>
  /** Tells the server (best effort) and removes the stored token. */
  logout(): Promise<void>
  /** The caller's live sessions (`current` marks this one). */
  listSessions(): Promise<SessionInfo[]>
  /** Ends one of the user's sessions (another phone's, typically). */
  endSession(id: string): Promise<void>
  /**
   * Makes sure the server holds WeChat's current session_key: `wx.checkSession()`, and a login when it
   * fails or there is no usable token. Call it before showing a button whose data the server decrypts.
   */
  ensureSessionKey(): Promise<void>
  /** The stored token, or null (none, expired, or the session ended). */
  getToken(): string | null
  isLoggedIn(): boolean
}
