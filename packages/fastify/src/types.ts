import type { FastifyRequest } from 'fastify'
import type { WxPhoneNumber } from './wechat/phone.js'

/** What WeChat told us about the person logging in. Never includes session_key. */
export interface WxIdentity {
  appId: string
  openid: string
  unionid: string | null
}

/**
 * The fields every user a token resolves to has: the WeChat identity and an
 * id. Type your own fields with `WxLoginTypes` (below).
 */
export interface WxUser {
  id: string | number
  appId: string
  openid: string
  unionid: string | null
}

/**
 * What an application tells the types about its use of the plugin, by
 * declaration merging (like @fastify/jwt's `FastifyJWT`):
 *
 *   declare module '@wx-login/fastify' {
 *     interface WxLoginTypes {
 *       // the fields your findUser / createUser hooks return
 *       user: { id: number, nickname: string }
 *       // the `decoratorName` option, when it is not 'user'
 *       decoratorName: 'wxUser'
 *     }
 *   }
 */
// An empty interface is the point: applications merge into it.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WxLoginTypes {}

/** The user a token resolves to: `WxUser` with the fields of `WxLoginTypes['user']`. */
export type WxLoginUser = WxLoginTypes extends { user: infer User extends object } ? WxUser & User : WxUser

/** The request property that holds the user: `WxLoginTypes['decoratorName']`, or 'user'. */
export type WxLoginDecoratorName = WxLoginTypes extends { decoratorName: infer Name extends string } ? Name : 'user'

/** What `findUser` / `createUser` return: the user without the identity fields, which the plugin adds. */
export type HookUser = Omit<WxLoginUser, keyof WxIdentity> & Partial<WxIdentity>

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
  user: WxLoginUser
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
  user: WxLoginUser
  identity: WxIdentity
  isNewUser: boolean
  request: FastifyRequest
}

export interface UserHooks {
  /** Find the application's user for a WeChat identity; null when unknown. */
  findUser?: (identity: WxIdentity, request: FastifyRequest) => Promise<HookUser | null>
  /** Create the application's user (only called when `autoRegister` is true). */
  createUser?: (identity: WxIdentity, request: FastifyRequest) => Promise<HookUser>
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
  user: WxLoginUser
  phone: WxPhoneNumber
  /** The request of POST {prefix}/phone; undefined when called through the API. */
  request: FastifyRequest | undefined
}
