import type { FastifyBaseLogger, FastifyRequest } from 'fastify'
import { appResolver, type AppResolver, type WxAppCredentials } from './apps.js'
import { sessionKeyBox } from './crypto/session-key-box.js'
import type { EncryptedUserData } from './crypto/user-data.js'
import { createSessionKeys, type SessionKeys } from './session-keys.js'
import type { StoreGuard } from './store/guard.js'
import type { WxLoginStores } from './store/types.js'
import type { PhoneNumberEvent, WxUser } from './types.js'
import type { RedisFaults } from './redis/faults.js'
import { createAccessTokens, type AccessTokenRedis } from './wechat/access-token.js'
import { createCode2Session, type WechatSession } from './wechat/code2session.js'
import type { WechatHttp } from './wechat/http.js'
import { createPhoneNumberLookup, type WxPhoneNumber } from './wechat/phone.js'

/** The WeChat server APIs beyond login, as `app.wxLogin` offers them. */
export interface WechatServerApi {
  /** A valid access_token of the app (the only one when `appId` is left out), shared by every instance through Redis. */
  accessToken (appId?: string): Promise<string>
  /** Trades a getPhoneNumber button code for the user's number, stores it (built-in users table) and calls `onPhoneNumber`. */
  getPhoneNumber (user: WxUser, code: string, request?: FastifyRequest): Promise<WxPhoneNumber>
  /** Decrypts open data (wx.getUserInfo-style encryptedData + iv) with the user's stored session_key; checks the watermark. */
  decryptData (user: WxUser, input: EncryptedUserData): Promise<Record<string, unknown>>
  /** Whether signature = sha1(rawData + session_key) for the user's stored session_key. */
  verifySignature (user: WxUser, rawData: string, signature: string): Promise<boolean>
  /** Asks WeChat (/wxa/checksession) whether the stored session_key is still the user's current one. */
  checkSessionKey (user: WxUser): Promise<boolean>
  /** Has WeChat issue a new session_key (/wxa/resetusersessionkey) and stores it. */
  resetSessionKey (user: WxUser): Promise<void>
}

export interface WechatServicesOptions {
  apps: WxAppCredentials[]
  http: WechatHttp
  redis: AccessTokenRedis | null
  redisFaults: RedisFaults
  redisPrefix: string
  wechatTimeout: number
  wechatRetries: number
  sessionKeyEncryptionKey: Buffer | null
  stores: WxLoginStores
  /** Whether users live in the built-in table (no findUser hook). */
  builtInUsers: boolean
  onPhoneNumber: ((event: PhoneNumberEvent) => Promise<void> | void) | undefined
  guard: StoreGuard
  now: () => number
  log: FastifyBaseLogger
}

export interface WechatServices {
  resolveApp: AppResolver
  code2Session (appId: string, code: string): Promise<WechatSession>
  sessionKeys: SessionKeys
  api: WechatServerApi
}

const BACKOFF_MS = 100

/** Wires the WeChat server APIs: one access_token cache, per-app code2Session, phone numbers, session keys. */
export function createWechatServices (options: WechatServicesOptions): WechatServices {
  const { http, stores, guard, now, log } = options
  const retry = { retries: options.wechatRetries, backoff: BACKOFF_MS }
  const resolveApp = appResolver(options.apps)
  const code2Sessions = new Map(options.apps.map(app => [app.appId, createCode2Session({
    http, appId: app.appId, appSecret: app.appSecret, retries: options.wechatRetries, backoff: BACKOFF_MS, log
  })]))
  const accessTokens = createAccessTokens({
    http,
    apps: resolveApp,
    redis: options.redis,
    faults: options.redisFaults,
    prefix: options.redisPrefix,
    // Long enough for a stable_token call with its retries; a holder that dies frees it at worst this late.
    lockTtl: 3 * options.wechatTimeout * (1 + options.wechatRetries) + 1000,
    // Waiting longer than one WeChat call would take buys nothing: fetch directly
    // (stable_token hands every instance the same token, so nobody is invalidated).
    lockWait: options.wechatTimeout,
    now,
    log,
    ...retry
  })
  const lookupPhoneNumber = createPhoneNumberLookup({ http, accessTokens, log, ...retry })
  const sessionKeys = createSessionKeys({
    box: options.sessionKeyEncryptionKey === null ? null : sessionKeyBox(options.sessionKeyEncryptionKey),
    store: stores.sessionKeys,
    guard,
    http,
    accessTokens,
    now,
    log,
    ...retry
  })
  const savePhone = options.builtInUsers ? stores.users.savePhone : undefined

  return {
    resolveApp,
    code2Session: (appId, code) => code2Sessions.get(appId)!(code),
    sessionKeys,
    api: {
      accessToken: async appId => await accessTokens.get(resolveApp(appId).appId),
      async getPhoneNumber (user, code, request) {
        const phone = await lookupPhoneNumber(user, code)
        if (savePhone !== undefined) await guard(savePhone.call(stores.users, user.id, phone, now()))
        if (options.onPhoneNumber !== undefined) await options.onPhoneNumber({ user, phone, request })
        return phone
      },
      decryptData: (user, input) => sessionKeys.decryptData(user, input),
      verifySignature: (user, rawData, signature) => sessionKeys.verifySignature(user, rawData, signature),
      checkSessionKey: user => sessionKeys.check(user),
      resetSessionKey: user => sessionKeys.reset(user)
    }
  }
}
