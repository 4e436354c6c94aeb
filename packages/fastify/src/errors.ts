import createError, { type FastifyErrorConstructor } from '@fastify/error'

/** 403 for a banned user; `until` (epoch ms) when the ban ends, null when it does not. */
export interface BannedError extends Error { code: 'FST_WX_LOGIN_BANNED', statusCode: 403, until: number | null }

function bannedError (): new (until?: number | null) => BannedError {
  const Base: FastifyErrorConstructor = createError('FST_WX_LOGIN_BANNED', 'This account is banned', 403)
  return class Banned extends Base {
    readonly until: number | null
    constructor (until: number | null = null) {
      super()
      this.until = until
    }
  } as unknown as new (until?: number | null) => BannedError
}

// Every error the plugin answers with or fails boot with. Codes are stable API: clients may
// branch on them, so never rename one; the README lists them all.
export const errors = {
  InvalidBody: createError('FST_WX_LOGIN_INVALID_BODY', 'Invalid request body: %s', 400),
  BodyTooLarge: createError('FST_WX_LOGIN_BODY_TOO_LARGE', 'Request body is too large', 413),
  UnsupportedMediaType: createError('FST_WX_LOGIN_UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', 415),
  CodeInvalid: createError('FST_WX_LOGIN_CODE_INVALID', 'The login code is invalid or expired; call wx.login() again', 401),
  CodeUsed: createError('FST_WX_LOGIN_CODE_USED', 'The login code was already used; call wx.login() again', 401),
  UserBlocked: createError('FST_WX_LOGIN_USER_BLOCKED', 'WeChat blocked this login as high-risk', 403),
  NotBound: createError('FST_WX_LOGIN_NOT_BOUND', 'This WeChat account is not bound to a user', 403),
  Banned: bannedError(),
  /** For findUser / createUser / onLogin hooks that refuse a user. */
  LoginRefused: createError('FST_WX_LOGIN_REFUSED', 'This user may not log in', 403),
  RateLimited: createError('FST_WX_LOGIN_RATE_LIMITED', 'Too many login attempts; try again later', 429),
  PhoneRateLimited: createError('FST_WX_LOGIN_PHONE_RATE_LIMITED', 'Too many phone number requests for this user; try again later', 429),
  WechatBusy: createError('FST_WX_LOGIN_WECHAT_BUSY', 'WeChat is busy; try again later', 503),
  WechatUnreachable: createError('FST_WX_LOGIN_WECHAT_UNREACHABLE', 'WeChat could not be reached', 502),
  WechatTimeout: createError('FST_WX_LOGIN_WECHAT_TIMEOUT', 'WeChat did not answer in time', 504),
  WechatError: createError('FST_WX_LOGIN_WECHAT_ERROR', 'WeChat answered with an unexpected error', 502),
  Config: createError('FST_WX_LOGIN_CONFIG', 'The server\'s WeChat app credentials are misconfigured', 500),
  TokenMissing: createError('FST_WX_LOGIN_TOKEN_MISSING', 'Authentication token missing', 401),
  TokenInvalid: createError('FST_WX_LOGIN_TOKEN_INVALID', 'Authentication token is invalid', 401),
  TokenExpired: createError('FST_WX_LOGIN_TOKEN_EXPIRED', 'The session reached the end of its lifetime; log in again', 401),
  TokenIdle: createError('FST_WX_LOGIN_TOKEN_IDLE', 'The session ended after a long time unused; log in again', 401),
  TokenRevoked: createError('FST_WX_LOGIN_TOKEN_REVOKED', 'The session was ended (logged out or revoked)', 401),
  TokenReplaced: createError('FST_WX_LOGIN_TOKEN_REPLACED', 'The session was replaced by a newer login or token', 401),
  SessionLimit: createError('FST_WX_LOGIN_SESSION_LIMIT', 'This user has as many sessions as allowed; end one first', 409),
  SessionNotFound: createError('FST_WX_LOGIN_SESSION_NOT_FOUND', 'No such session', 404),
  StoreUnavailable: createError('FST_WX_LOGIN_STORE_UNAVAILABLE', 'The session store is unavailable; try again later', 503),
  UnknownApp: createError('FST_WX_LOGIN_UNKNOWN_APP', 'This server does not serve the mini program %s', 400),
  AppIdRequired: createError('FST_WX_LOGIN_APPID_REQUIRED', 'appid is required: this server serves several mini programs', 400),
  PhoneCodeInvalid: createError('FST_WX_LOGIN_PHONE_CODE_INVALID', 'The phone number code is invalid, expired or already used; ask the user to tap the button again', 400),
  EncryptedDataInvalid: createError('FST_WX_LOGIN_ENCRYPTED_DATA_INVALID', 'encryptedData or iv is malformed', 400),
  WatermarkMismatch: createError('FST_WX_LOGIN_WATERMARK_MISMATCH', 'The encrypted data was produced for another mini program', 400),
  SessionKeyMissing: createError('FST_WX_LOGIN_SESSION_KEY_MISSING', 'No WeChat session key is stored for this user; call wx.login() and log in again', 401),
  SessionKeyStale: createError('FST_WX_LOGIN_SESSION_KEY_STALE', 'The WeChat session key changed since this data was produced; call wx.login(), log in again, then fetch the data again', 401),
  SessionKeyDisabled: createError('FST_WX_LOGIN_SESSION_KEY_DISABLED', 'Session keys are not stored on this server (set the sessionKeyEncryptionKey option)', 500),
  SchemaTooNew: createError('FST_WX_LOGIN_SCHEMA_TOO_NEW', 'The database schema is at version %s, but this @wx-login/fastify knows versions up to %s: upgrade @wx-login/fastify (a schema is never downgraded)', 500),
  MigrationLocked: createError('FST_WX_LOGIN_MIGRATION_LOCKED', 'Another instance held the schema migration lock %s for over %s s; boot again once it is done', 500),
  Internal: createError('FST_WX_LOGIN_INTERNAL', 'Internal error', 500)
} as const

export type WxLoginErrorName = keyof typeof errors
