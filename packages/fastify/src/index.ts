import fp from 'fastify-plugin'
import { wxLoginPlugin } from './plugin.js'
import type { WxLoginApi } from './api.js'
import type { WxLoginDecoratorName, WxLoginUser, WxSession } from './types.js'

export const wxLogin = fp(wxLoginPlugin, {
  fastify: '5.x',
  name: '@wx-login/fastify'
})
export default wxLogin

export type { WxLoginApi } from './api.js'
export type { Authenticate } from './authenticate.js'
export type { WxAppCredentials } from './apps.js'
export type { EncryptedUserData } from './crypto/user-data.js'
export { errors } from './errors.js'
export { events } from './events.js'
export type { WxLoginOptions } from './options.js'
export type { IssuedToken } from './sessions.js'
export { memoryStores } from './store/memory.js'
export { migrate } from './store/migrate.js'
export type { MigrateOptions, MigrationReport } from './store/migrate.js'
export type { SqlClient } from './store/mysql-client.js'
export type { RedisClient } from './store/redis-client.js'
export { schemaSql } from './store/schema-sql.js'
export type { SessionKeyStore } from './store/session-key-store.js'
export type { SessionCache, SessionStore, UserStore, WxLoginStores } from './store/types.js'
export { generateToken, hashToken } from './token.js'
export type { EndReason, HookUser, LoginEvent, PhoneNumberEvent, SessionRecord, UserHooks, WxDevice, WxIdentity, WxLoginDecoratorName, WxLoginTypes, WxLoginUser, WxSession, WxSessionInfo, WxUser } from './types.js'
export type { BanOptions } from './bans.js'
export type { WxPhoneNumber } from './wechat/phone.js'
export type { WechatServerApi } from './wechat-services.js'

/**
 * `request[decoratorName]`: the logged-in user, or null until
 * `authenticate` / `optionalAuthenticate` set it. Keyed by
 * `WxLoginTypes['decoratorName']`, so a renamed decorator is typed under its
 * own name and leaves `request.user` to @fastify/jwt or @fastify/passport.
 */
export type WxLoginRequestUser = { [Name in WxLoginDecoratorName]: WxLoginUser | null }

declare module 'fastify' {
  interface FastifyInstance {
    wxLogin: WxLoginApi
  }
  // An interface cannot declare a property under a computed name; it can
  // extend a mapped type whose key is a literal type.
  interface FastifyRequest extends WxLoginRequestUser {
    /** The session behind the token (user, sessionId, expiry), or null: same name whatever `decoratorName` is. */
    wxSession: WxSession | null
  }
}
