import type { FastifyBaseLogger } from 'fastify'
import type { SessionKeyBox } from './crypto/session-key-box.js'
import { decryptUserData, rawDataSignatureMatches, sessionKeySignature, type EncryptedUserData } from './crypto/user-data.js'
import { errors } from './errors.js'
import type { StoreGuard } from './store/guard.js'
import type { SessionKeyStore } from './store/session-key-store.js'
import type { AccessTokens } from './wechat/access-token.js'
import type { WechatHttp } from './wechat/http.js'
import { errcodeOf, retryWhileBusy, WECHAT_BUSY, type BusyRetry } from './wechat/retry.js'

/** A WeChat identity: which app, which openid. `request.user` fits. */
export interface WxIdentityRef {
  appId: string
  openid: string
}

export interface SessionKeysOptions extends BusyRetry {
  /** null: `sessionKeyEncryptionKey` is not set, nothing is stored. */
  box: SessionKeyBox | null
  store: SessionKeyStore | undefined
  guard: StoreGuard
  http: WechatHttp
  accessTokens: AccessTokens
  now: () => number
  log: FastifyBaseLogger
}

export interface SessionKeys {
  /** Whether login should store session keys (the option is set). */
  readonly enabled: boolean
  save (identity: WxIdentityRef, sessionKey: string, at: number): Promise<void>
  decryptData (user: WxIdentityRef, input: EncryptedUserData): Promise<Record<string, unknown>>
  verifySignature (user: WxIdentityRef, rawData: string, signature: string): Promise<boolean>
  check (user: WxIdentityRef): Promise<boolean>
  reset (user: WxIdentityRef): Promise<void>
}

const INVALID_SIGNATURE = 87009

/**
 * session_key stays on the server: sealed (AES-256-GCM) per identity at each
 * login, opened only here, to decrypt open data and sign WeChat's checks.
 */
export function createSessionKeys (options: SessionKeysOptions): SessionKeys {
  const { box, store, guard, http, accessTokens, log } = options

  async function load (user: WxIdentityRef): Promise<string> {
    if (box === null || store === undefined) throw new errors.SessionKeyDisabled()
    const sealed = await guard(store.load(user))
    // Unreadable means sealed under another encryption key: treat it as absent.
    const sessionKey = sealed === null ? null : box.open(sealed, user)
    if (sessionKey === null) throw new errors.SessionKeyMissing()
    return sessionKey
  }

  async function signedCall (path: string, user: WxIdentityRef, sessionKey: string) {
    const reply = await retryWhileBusy(() => accessTokens.call(user.appId, accessToken => http.get(path, {
      access_token: accessToken, openid: user.openid, signature: sessionKeySignature(sessionKey), sig_method: 'hmac_sha256'
    })), options)
    const errcode = errcodeOf(reply)
    if (errcode !== 0 && errcode !== INVALID_SIGNATURE) {
      log.error({ appId: user.appId, errcode }, `wx-login: ${path} failed`)
      throw errcode === WECHAT_BUSY ? new errors.WechatBusy() : new errors.WechatError()
    }
    return { reply, signatureValid: errcode === 0 }
  }

  return {
    enabled: box !== null && store !== undefined,

    async save (identity, sessionKey, at) {
      if (box === null || store === undefined) return
      await guard(store.save(identity, box.seal(sessionKey, identity), at))
    },

    async decryptData (user, input) {
      return decryptUserData(await load(user), input, user.appId)
    },

    async verifySignature (user, rawData, signature) {
      return rawDataSignatureMatches(await load(user), rawData, signature)
    },

    async check (user) {
      const { signatureValid } = await signedCall('/wxa/checksession', user, await load(user))
      return signatureValid
    },

    async reset (user) {
      const { reply, signatureValid } = await signedCall('/wxa/resetusersessionkey', user, await load(user))
      // WeChat only resets a key we can prove we hold: ours is stale.
      if (!signatureValid) throw new errors.SessionKeyStale()
      if (typeof reply.session_key !== 'string' || reply.session_key === '') throw new errors.WechatError()
      await guard(store!.save(user, box!.seal(reply.session_key, user), options.now()))
    }
  }
}
