import createError from '@fastify/error'

// Every error the plugin answers with. Codes are stable API: clients may
// branch on them, so never rename one; the README lists them all.
export const errors = {
  InvalidBody: createError('FST_WX_LOGIN_INVALID_BODY', 'Invalid request body: %s', 400),
  BodyTooLarge: createError('FST_WX_LOGIN_BODY_TOO_LARGE', 'Request body is too large', 413),
  UnsupportedMediaType: createError('FST_WX_LOGIN_UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', 415),
  CodeInvalid: createError('FST_WX_LOGIN_CODE_INVALID', 'The login code is invalid or expired; call wx.login() again', 401),
  CodeUsed: createError('FST_WX_LOGIN_CODE_USED', 'The login code was already used; call wx.login() again', 401),
  UserBlocked: createError('FST_WX_LOGIN_USER_BLOCKED', 'WeChat blocked this login as high-risk', 403),
  NotBound: createError('FST_WX_LOGIN_NOT_BOUND', 'This WeChat account is not bound to a user', 403),
  RateLimited: createError('FST_WX_LOGIN_RATE_LIMITED', 'Too many login attempts; try again later', 429),
  WechatBusy: createError('FST_WX_LOGIN_WECHAT_BUSY', 'WeChat is busy; try again later', 503),
  WechatUnreachable: createError('FST_WX_LOGIN_WECHAT_UNREACHABLE', 'WeChat could not be reached', 502),
  WechatTimeout: createError('FST_WX_LOGIN_WECHAT_TIMEOUT', 'WeChat did not answer in time', 504),
  WechatError: createError('FST_WX_LOGIN_WECHAT_ERROR', 'WeChat answered with an unexpected error', 502),
  Config: createError('FST_WX_LOGIN_CONFIG', 'The server\'s WeChat app credentials are misconfigured', 500),
  TokenMissing: createError('FST_WX_LOGIN_TOKEN_MISSING', 'Authentication token missing', 401),
  TokenInvalid: createError('FST_WX_LOGIN_TOKEN_INVALID', 'Authentication token is invalid or expired', 401),
  StoreUnavailable: createError('FST_WX_LOGIN_STORE_UNAVAILABLE', 'The session store is unavailable; try again later', 503),
  Internal: createError('FST_WX_LOGIN_INTERNAL', 'Internal error', 500)
} as const

export type WxLoginErrorName = keyof typeof errors
