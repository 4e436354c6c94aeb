/// <reference types="miniprogram-api-typings" preserve="true" />
import { fail, settle } from './async-api.js'
import { mintCode } from './login.js'
import { request } from './request.js'
import { createStorageApi, type WxStorage } from './storage.js'
import { createSystemInfoApi, DEFAULT_APP_BASE_INFO, DEFAULT_DEVICE_INFO, OPTIONAL_APIS, type OptionalWxApi } from './system-info.js'
import { downloadFile, uploadFile } from './transfer.js'

export interface CreateWxOptions {
  /** Base URL of a running WeChat mock (`startWechatMock().url`). */
  mockUrl: string
  /** The WeChat user `login()` mints codes for; change it later with `setUser()`. */
  user: string
  /** The app the codes are for; may be left out when the mock serves a single app. */
  appId?: string
  /** Backing map for storage. Pass the same map to two runtimes to simulate an app restart. */
  storage?: WxStorage
  /** Fields of `getDeviceInfo()` (and `getSystemInfoSync()`) over an iPhone's defaults. */
  deviceInfo?: Partial<WechatMiniprogram.DeviceInfo>
  /** Fields of `getAppBaseInfo()` (and `getSystemInfoSync()`) over a current WeChat's defaults. */
  appBaseInfo?: Partial<WechatMiniprogram.AppBaseInfo>
  /**
   * APIs this runtime leaves out, as an older base library does: they are absent from the object and
   * `canIUse()` says false. `['getDeviceInfo', 'getAppBaseInfo']` plays a base library before 2.20.1.
   */
  missing?: OptionalWxApi[]
}

/** The part of `WechatMiniprogram.Wx` this runtime implements, with the same signatures. */
export type WxApi = Pick<WechatMiniprogram.Wx,
  'login' | 'checkSession' | 'request' | 'uploadFile' | 'downloadFile' |
  'canIUse' | 'getDeviceInfo' | 'getAppBaseInfo' | 'getSystemInfoSync' |
  'setStorageSync' | 'getStorageSync' | 'removeStorageSync' | 'clearStorageSync' |
  'setStorage' | 'getStorage' | 'removeStorage' | 'clearStorage'>

/** A `wx` for Node, plus the controls a test needs. */
export interface NodeWx extends WxApi {
  /** How many times `login()` was called (successful or not). */
  readonly loginCount: number
  /** The user `login()` currently mints codes for. */
  readonly user: string
  /** Switches the WeChat user, as if another person opened the mini program. */
  setUser(user: string): void
  /** The map behind storage. */
  readonly storage: WxStorage
  /** How many times `checkSession()` was called. */
  readonly checkSessionCount: number
  /** Makes `checkSession()` fail until the next successful `login()`, as when WeChat's session_key expired. */
  expireSession(): void
}

type Promisified<T, O extends WechatMiniprogram.AsyncMethodOptionLike> = WechatMiniprogram.PromisifySuccessResult<T, O>

/**
 * A Node implementation of the mini-program `wx` object for tests and demos:
 * `login()` mints real codes from the WeChat mock, network APIs use fetch, and
 * storage lives in a Map.
 */
export function createWx (options: CreateWxOptions): NodeWx {
  if (typeof options?.mockUrl !== 'string' || options.mockUrl === '') throw new TypeError('createWx: mockUrl is required')
  if (typeof options.user !== 'string' || options.user === '') throw new TypeError('createWx: user is required')
  const { mockUrl, appId } = options
  const storage = options.storage ?? new Map<string, unknown>()
  let user = options.user
  let loginCount = 0
  let checkSessionCount = 0
  let sessionValid = true
  const missing = new Set<string>(options.missing ?? [])
  for (const name of missing) {
    if (!OPTIONAL_APIS.includes(name)) throw new TypeError(`createWx: missing may name ${OPTIONAL_APIS.join(', ')}; got ${JSON.stringify(name)}`)
  }

  const wx: NodeWx = {
    get loginCount () { return loginCount },
    get user () { return user },
    get storage () { return storage },
    get checkSessionCount () { return checkSessionCount },
    expireSession () {
      sessionValid = false
    },
    setUser (next: string) {
      if (typeof next !== 'string' || next === '') throw new TypeError('setUser: user must be a non-empty string')
      user = next
    },
    login<T extends WechatMiniprogram.LoginOption = WechatMiniprogram.LoginOption> (option?: T) {
      loginCount++
      const outcome = mintCode(mockUrl, user, appId).then((code) => {
        sessionValid = true
        return { code, errMsg: 'login:ok' }
      })
      return settle(option, outcome) as Promisified<T, WechatMiniprogram.LoginOption>
    },
    checkSession<T extends WechatMiniprogram.CheckSessionOption = WechatMiniprogram.CheckSessionOption> (option?: T) {
      checkSessionCount++
      const outcome = sessionValid ? Promise.resolve({ errMsg: 'checkSession:ok' }) : Promise.reject(fail('checkSession:fail session time out, need relogin'))
      return settle(option, outcome) as Promisified<T, WechatMiniprogram.CheckSessionOption>
    },
    // 'getDeviceInfo', 'getSystemInfoSync.return.safeArea.left', …: the API named first must be there.
    canIUse: (schema: string) => typeof schema === 'string' && typeof (wx as unknown as Record<string, unknown>)[schema.split('.')[0]!] === 'function',
    ...createSystemInfoApi({ ...DEFAULT_DEVICE_INFO, ...options.deviceInfo }, { ...DEFAULT_APP_BASE_INFO, ...options.appBaseInfo }),
    request,
    uploadFile,
    downloadFile,
    ...createStorageApi(storage)
  }
  for (const name of missing) delete (wx as unknown as Record<string, unknown>)[name]
  return wx
}
