import type { FastifyRequest } from 'fastify'
import { errors } from './errors.js'
import { events } from './events.js'
import type { Bans } from './bans.js'
import type { UserStore } from './store/types.js'
import type { UserHooks, WxDevice, WxIdentity, WxUser } from './types.js'
import type { SharedWechatSession } from './wechat/shared-code-exchange.js'

/** What POST {prefix}/login carries. */
export interface LoginBody {
  code: string
  /** With several apps: which mini program. */
  appid?: string
  device?: WxDevice
}

export interface LoginResult {
  token: string
  expiresAt: number
  user: WxUser
  isNewUser: boolean
}

export interface LoginServiceOptions extends UserHooks {
  /** The configured app a login names (or the only one); throws a 400 for any other. */
  resolveApp: (appId?: string) => { appId: string }
  autoRegister: boolean
  /** A second request with the same code gets the answer without its session_key. */
  code2Session: (appId: string, code: string) => Promise<SharedWechatSession>
  /** Keeps the session_key (sealed) when `sessionKeyEncryptionKey` is set; absent otherwise. */
  saveSessionKey?: (identity: WxIdentity, sessionKey: string, at: number) => Promise<void>
  users: UserStore
  bans: Bans
  /** Runs `store` against the session store, turning its failures into 503s. */
  store: <T>(operation: Promise<T>) => Promise<T>
  now: () => number
}

/** code -> WeChat identity -> user -> token. */
export function createLogin (options: LoginServiceOptions) {
  const { users, store } = options

  // The application's hooks replace the built-in users table as a pair
  // (options checks that); user fields always include the WeChat identity.
  async function resolveUser (identity: WxIdentity, request: FastifyRequest): Promise<{ user: WxUser, isNewUser: boolean }> {
    const found = options.findUser === undefined
      ? await store(users.find(identity))
      : await options.findUser(identity, request)
    if (found !== null) return { user: { ...identity, ...found }, isNewUser: false }
    if (!options.autoRegister) throw new errors.NotBound()
    if (options.createUser !== undefined) {
      return { user: { ...identity, ...await options.createUser(identity, request) }, isNewUser: true }
    }
    const { user, created } = await store(users.create(identity))
    return { user, isNewUser: created }
  }

  return async function login ({ code, appid, device }: LoginBody, request: FastifyRequest): Promise<LoginResult> {
    const app = options.resolveApp(appid)
    const wechat = await options.code2Session(app.appId, code)
    const identity: WxIdentity = { appId: app.appId, openid: wechat.openid, unionid: wechat.unionid }
    // The session_key belongs to the identity, not the user: stored alongside, not after.
    const [{ user, isNewUser }] = await Promise.all([
      resolveUser(identity, request),
      wechat.sessionKey === null ? undefined : options.saveSessionKey?.(identity, wechat.sessionKey, options.now())
    ])
    await options.bans.check(user.id)
    if (options.onLogin !== undefined) await options.onLogin({ user, identity, isNewUser, request })
    const { token, expiresAt, sessionId } = await options.bans.issueUnlessBanned(user, { device: device ?? null, ip: request.ip ?? null })
    if (events.login.hasSubscribers) events.login.publish({ userId: String(user.id), appId: app.appId, sessionId, isNewUser })
    return { token, expiresAt, user, isNewUser }
  }
}
