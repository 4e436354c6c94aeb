import fp from 'fastify-plugin'
import { wxLoginPlugin } from './plugin.js'
import type { WxLoginApi } from './api.js'
import type { WxUser } from './types.js'

export const wxLogin = fp(wxLoginPlugin, {
  fastify: '5.x',
  name: '@wx-login/fastify'
})
export default wxLogin

export type { WxLoginApi } from './api.js'
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
export type { EndReason, LoginEvent, PhoneNumberEvent, SessionRecord, UserHooks, WxDevice, WxIdentity, WxSession, WxSessionInfo, WxUser } from './types.js'
export type { BanOptions } from './bans.js'
export type { WxPhoneNumber } from './wechat/phone.js'
export type { WechatServerApi } from './wechat-services.js'

declare module 'fastify' {
  interface FastifyInstance {
    wxLogin: WxLoginApi
  }
  interface FastifyRequest {
    /** The logged-in user; null until `app.wxLogin.authenticate` ran. (Renamed by `decoratorName`.) */
    user: WxUser | null
  }
}
