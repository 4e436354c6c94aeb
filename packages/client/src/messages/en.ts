import type { MessageKey } from './zh-CN.js'

// English, the same keys as zh-CN.ts (the type makes a missing one a compile error).
const serverFault = 'Something went wrong on the server. {retry}'
const bodyTooLarge = 'What you sent is too large. Please shorten it and try again.'
const unsupportedMediaType = 'This request format is not supported. Please update the mini program.'
const appMisconfigured = 'The mini program is misconfigured. Please contact its developer.'

export const en: Record<MessageKey, string> = {
  FST_WX_LOGIN_INVALID_BODY: 'The request was invalid. Please try again or update the mini program.',
  FST_WX_LOGIN_BODY_TOO_LARGE: bodyTooLarge,
  FST_WX_LOGIN_UNSUPPORTED_MEDIA_TYPE: unsupportedMediaType,
  FST_WX_LOGIN_CODE_INVALID: 'Your sign-in code has expired. Please sign in again.',
  FST_WX_LOGIN_CODE_USED: 'Your sign-in code was already used. Please sign in again.',
  FST_WX_LOGIN_USER_BLOCKED: 'WeChat blocked this sign-in as risky.',
  FST_WX_LOGIN_NOT_BOUND: 'This WeChat account is not linked to an account yet.',
  FST_WX_LOGIN_BANNED: 'This account is banned.',
  FST_WX_LOGIN_REFUSED: 'This account cannot sign in right now.',
  FST_WX_LOGIN_RATE_LIMITED: 'Too many sign-in attempts. {retry}',
  FST_WX_LOGIN_PHONE_RATE_LIMITED: 'Too many phone number requests. {retry}',
  FST_WX_LOGIN_WECHAT_BUSY: 'WeChat is busy. {retry}',
  FST_WX_LOGIN_WECHAT_UNREACHABLE: 'WeChat cannot be reached. {retry}',
  FST_WX_LOGIN_WECHAT_TIMEOUT: 'WeChat did not answer in time. {retry}',
  FST_WX_LOGIN_WECHAT_ERROR: 'WeChat reported an error. {retry}',
  FST_WX_LOGIN_CONFIG: serverFault,
  FST_WX_LOGIN_TOKEN_MISSING: 'You are not signed in. Please sign in.',
  FST_WX_LOGIN_TOKEN_INVALID: 'Your sign-in is not valid. Please sign in again.',
  FST_WX_LOGIN_TOKEN_EXPIRED: 'Your sign-in has expired. Please sign in again.',
  FST_WX_LOGIN_TOKEN_IDLE: 'You were signed out after a long time without use. Please sign in again.',
  FST_WX_LOGIN_TOKEN_REVOKED: 'You were signed out. Please sign in again.',
  FST_WX_LOGIN_TOKEN_REPLACED: 'You signed in on another device. Please sign in again.',
  FST_WX_LOGIN_SESSION_LIMIT: 'You are signed in on too many devices. Please sign out of one first.',
  FST_WX_LOGIN_SESSION_NOT_FOUND: 'That device is no longer signed in.',
  FST_WX_LOGIN_STORE_UNAVAILABLE: 'The service is unavailable. {retry}',
  FST_WX_LOGIN_UNKNOWN_APP: appMisconfigured,
  FST_WX_LOGIN_APPID_REQUIRED: appMisconfigured,
  FST_WX_LOGIN_PHONE_CODE_INVALID: 'The phone number permission has expired. Please tap the button again.',
  FST_WX_LOGIN_ENCRYPTED_DATA_INVALID: 'The data was malformed. Please try again.',
  FST_WX_LOGIN_WATERMARK_MISMATCH: 'The data belongs to another mini program. Please try again.',
  FST_WX_LOGIN_SESSION_KEY_MISSING: 'Your sign-in is incomplete. Please sign in again and retry.',
  FST_WX_LOGIN_SESSION_KEY_STALE: 'Your WeChat session changed. Please sign in again and retry.',
  FST_WX_LOGIN_SESSION_KEY_DISABLED: serverFault,
  FST_WX_LOGIN_SCHEMA_TOO_NEW: serverFault,
  FST_WX_LOGIN_MIGRATION_LOCKED: serverFault,
  FST_WX_LOGIN_INTERNAL: serverFault,

  bannedUntil: 'This account is banned until {until}.',
  retryLater: 'Please try again later.',
  retryInSeconds: 'Please try again in {seconds} s.',
  retryInMinutes: 'Please try again in {minutes} min.',

  wxLoginFailed: 'WeChat sign-in failed. {retry}',
  loginFailed: 'Sign-in failed. {retry}',
  networkFailed: 'No connection. Please check your network and try again.',
  networkTimeout: 'The network timed out. Please check your network and try again.',
  unreadableAnswer: 'The server sent an answer the app cannot read. {retry}',
  unknown: 'Something went wrong. {retry}',

  http400: 'The request was invalid. Please try again.',
  http401: 'You are no longer signed in. Please sign in again.',
  http403: 'You are not allowed to do this.',
  http404: 'Not found.',
  http409: 'This conflicts with a recent change. Please refresh and try again.',
  http413: bodyTooLarge,
  http415: unsupportedMediaType,
  http429: 'Too many requests. {retry}',
  http4xx: 'The request could not be completed. {retry}',
  http5xx: serverFault
}
