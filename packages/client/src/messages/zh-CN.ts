// Simplified Chinese, the default: short sentences a user can act on. `{retry}` becomes "try again
// later" or, when the server sent `retry-after`, the wait; `{until}` is a ban's end in local time.
const serverFault = '服务器开小差了，{retry}'
const bodyTooLarge = '提交的内容过大，请精简后重试。'
const unsupportedMediaType = '请求格式不受支持，请更新小程序后重试。'
const appMisconfigured = '小程序配置有误，请联系开发者。'

export const zhCN = {
  // Every code @wx-login/fastify answers with (test/messages-complete.test.ts keeps this list whole).
  FST_WX_LOGIN_INVALID_BODY: '请求参数有误，请重试或更新小程序。',
  FST_WX_LOGIN_BODY_TOO_LARGE: bodyTooLarge,
  FST_WX_LOGIN_UNSUPPORTED_MEDIA_TYPE: unsupportedMediaType,
  FST_WX_LOGIN_CODE_INVALID: '登录凭证已失效，请重新登录。',
  FST_WX_LOGIN_CODE_USED: '登录凭证已被使用，请重新登录。',
  FST_WX_LOGIN_USER_BLOCKED: '微信判定本次登录存在风险，已拦截。',
  FST_WX_LOGIN_NOT_BOUND: '该微信号尚未绑定账号。',
  FST_WX_LOGIN_BANNED: '该账号已被封禁。',
  FST_WX_LOGIN_REFUSED: '该账号暂时无法登录。',
  FST_WX_LOGIN_RATE_LIMITED: '登录过于频繁，{retry}',
  FST_WX_LOGIN_PHONE_RATE_LIMITED: '获取手机号过于频繁，{retry}',
  FST_WX_LOGIN_WECHAT_BUSY: '微信服务繁忙，{retry}',
  FST_WX_LOGIN_WECHAT_UNREACHABLE: '暂时连不上微信服务，{retry}',
  FST_WX_LOGIN_WECHAT_TIMEOUT: '微信服务响应超时，{retry}',
  FST_WX_LOGIN_WECHAT_ERROR: '微信服务出错，{retry}',
  FST_WX_LOGIN_CONFIG: serverFault,
  FST_WX_LOGIN_TOKEN_MISSING: '尚未登录，请先登录。',
  FST_WX_LOGIN_TOKEN_INVALID: '登录状态无效，请重新登录。',
  FST_WX_LOGIN_TOKEN_EXPIRED: '登录已过期，请重新登录。',
  FST_WX_LOGIN_TOKEN_IDLE: '长时间未使用，登录已失效，请重新登录。',
  FST_WX_LOGIN_TOKEN_REVOKED: '当前登录已被注销，请重新登录。',
  FST_WX_LOGIN_TOKEN_REPLACED: '你的账号已在其他设备登录，请重新登录。',
  FST_WX_LOGIN_SESSION_LIMIT: '登录的设备数已达上限，请先退出其他设备。',
  FST_WX_LOGIN_SESSION_NOT_FOUND: '该设备的登录不存在或已退出。',
  FST_WX_LOGIN_STORE_UNAVAILABLE: '服务暂时不可用，{retry}',
  FST_WX_LOGIN_UNKNOWN_APP: appMisconfigured,
  FST_WX_LOGIN_APPID_REQUIRED: appMisconfigured,
  FST_WX_LOGIN_PHONE_CODE_INVALID: '手机号授权已失效，请重新点击按钮获取。',
  FST_WX_LOGIN_ENCRYPTED_DATA_INVALID: '数据格式有误，请重试。',
  FST_WX_LOGIN_WATERMARK_MISMATCH: '数据不属于本小程序，请重试。',
  FST_WX_LOGIN_SESSION_KEY_MISSING: '登录信息不完整，请重新登录后再试。',
  FST_WX_LOGIN_SESSION_KEY_STALE: '微信会话已变化，请重新登录后再试。',
  FST_WX_LOGIN_SESSION_KEY_DISABLED: serverFault,
  FST_WX_LOGIN_SCHEMA_TOO_NEW: serverFault,
  FST_WX_LOGIN_MIGRATION_LOCKED: serverFault,
  FST_WX_LOGIN_INTERNAL: serverFault,

  bannedUntil: '该账号已被封禁，将于 {until} 解封。',
  retryLater: '请稍后再试。',
  retryInSeconds: '请 {seconds} 秒后再试。',
  retryInMinutes: '请 {minutes} 分钟后再试。',

  // The client's own failures.
  wxLoginFailed: '微信登录失败，{retry}',
  loginFailed: '登录失败，{retry}',
  networkFailed: '网络连接失败，请检查网络后重试。',
  networkTimeout: '网络请求超时，请检查网络后重试。',
  unreadableAnswer: '服务器返回了无法识别的结果，{retry}',
  unknown: '出错了，{retry}',

  // Answers without a code of ours: Fastify's own (validation, 404, 413, 415), a proxy's, the app's routes.
  http400: '请求参数有误，请重试。',
  http401: '登录状态已失效，请重新登录。',
  http403: '没有权限进行此操作。',
  http404: '请求的内容不存在。',
  http409: '操作冲突，请刷新后重试。',
  http413: bodyTooLarge,
  http415: unsupportedMediaType,
  http429: '操作过于频繁，{retry}',
  http4xx: '请求未能完成，{retry}',
  http5xx: serverFault
}

export type MessageKey = keyof typeof zhCN
