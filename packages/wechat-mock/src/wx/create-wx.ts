/// <reference types="miniprogram-api-typings" preserve="true" />
import { settle } from './async-api.js'
import { mintCode } from './login.js'
import { request } from './request.js'
import { createStorageApi, type WxStorage } from './storage.js'
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
}

/** The part of `WechatMiniprogram.Wx` this runtime implements, with the same signatures. */
export type WxApi = Pick<WechatMiniprogram.Wx,
  'login' | 'checkSession' | 'request' | 'uploadFile' | 'downloadFile' |
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

  return {
    get loginCount () { return loginCount },
    get user () { return user },
    get storage () { return storage },
    setUser (next: string) {
      if (typeof next !== 'string' || next === '') throw new TypeError('setUser: user must be a non-empty string')
      user = next
    },
    login<T extends WechatMiniprogram.LoginOption = WechatMiniprogram.LoginOption> (option?: T) {
      loginCount++
      const outcome = mintCode(mockUrl, user, appId).then((code) => ({ code, errMsg: 'login:ok' }))
      return settle(option, outcome) as Promisified<T, WechatMiniprogram.LoginOption>
    },
    checkSession<T extends WechatMiniprogram.CheckSessionOption = WechatMiniprogram.CheckSessionOption> (option?: T) {
      return settle(option, Promise.resolve({ errMsg: 'checkSession:ok' })) as Promisified<T, WechatMiniprogram.CheckSessionOption>
    },
    request,
    uploadFile,
    downloadFile,
    ...createStorageApi(storage)
  }
}
