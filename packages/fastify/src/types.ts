import type { FastifyRequest } from 'fastify'
import type { WxPhoneNumber } from './wechat/phone.js'

/** What WeChat told us about the person logging in. Never includes session_key. */
export interface WxIdentity {
  appId: string
  openid: string
  unionid: string | null
}

/**
 * The user a token resolves to (`request.user`). Extend it by declaration
 * merging when your `findUser` / `createUser` hooks return more fields:
 *
 *   declare module '@wx-login/fastify' { interface WxUser { nickname: string } }
 */
export interface WxUser {
  id: string | number
  appId: string
  openid: string
  unionid: string | null
}

/** A session as the caches keep it; `tokenHash` is hex SHA-256 of the token. */
export interface SessionRecord {
  tokenHash: string
  /** Opaque, stable across refreshes; never the token or its hash (see session-id.ts). */
  sessionId: string
  userId: string
  user: WxUser
  createdAt: number
  expiresAt: number
  lastSeenAt: number
}

/** A live session as `verify()` returns it. */
export interface WxSession {
  sessionId: string
  user: WxUser
  expiresAt: number
  lastSeenAt: number
}

/** What the mini program says about its device at login (each at most 64 characters). */
export interface WxDevice {
  /** ios, android, ohos, windows, mac, devtools */
  platform?: string
  brand?: string
  model?: string
  system?: string
  /** WeChat's version. */
  version?: string
  /** The base library version. */
  SDKVersion?: string
}

/** A live session as the sessions routes and `listSessions()` show it. */
export interface WxSessionInfo {
  id: string
  device: WxDevice | null
  ip: string | null
  createdAt: number
  lastSeenAt: number
}

/** Why a session ended before its time: the 401/403 answers say so. */
export type EndReason = 'revoked' | 'replaced' | 'banned'

export interface LoginEvent {
  user: WxUser
  identity: WxIdentity
  isNewUser: boolean
  request: FastifyRequest
}

export interface UserHooks {
  /** Find the application's user for a WeChat identity; null when unknown. */
  findUser?: (identity: WxIdentity, request: FastifyRequest) => Promise<Partial<WxUser> & { id: string | number } | null>
  /** Create the application's user (only called when `autoRegister` is true). */
  createUser?: (identity: WxIdentity, request: FastifyRequest) => Promise<Partial<WxUser> & { id: string | number }>
  /** Called after every successful login, before the token is returned. */
  onLogin?: (event: LoginEvent) => Promise<void> | void
  /**
   * Called with the number from POST {prefix}/phone (or `getPhoneNumber()`),
   * before it is returned. The built-in users table stores it anyway; with
   * findUser/createUser, this hook is where you keep it.
   */
  onPhoneNumber?: (event: PhoneNumberEvent) => Promise<void> | void
}

export interface PhoneNumberEvent {
  user: WxUser
  phone: WxPhoneNumber
  /** The request of POST {prefix}/phone; undefined when called through the API. */
  request: FastifyRequest | undefined
}
