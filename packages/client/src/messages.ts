import { en } from './messages/en.js'
import { localTime } from './messages/local-time.js'
import { retryAfterSeconds } from './messages/retry-after.js'
import { zhCN, type MessageKey } from './messages/zh-CN.js'
import { codeOfRefusal, errorBody, text } from './server-answer.js'
import type { ServerResponse, TokenRefusal } from './types.js'

/** The languages messageFor speaks. */
export type MessageLocale = 'zh-CN' | 'en'

/**
 * What messageFor reads: the fields of the client's errors, or a server answer itself. Read by
 * shape, not instanceof: this entry is its own bundle in the CommonJS build, with no classes to share.
 */
interface Described {
  name?: unknown
  code?: unknown
  errMsg?: unknown
  reason?: unknown
  until?: unknown
  statusCode?: unknown
  res?: unknown
}

const isAnswer = (value: unknown): value is ServerResponse =>
  value !== null && typeof value === 'object' && typeof (value as ServerResponse).statusCode === 'number'

const hasText = (key: string): key is MessageKey => Object.prototype.hasOwnProperty.call(zhCN, key)

function fill (template: string, values: Record<string, string | number | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]))
}

/** An answer without a code of ours: Fastify's own, a proxy's, or a 2xx that is not what the client expected. */
function statusKey (statusCode: number): MessageKey {
  if (statusCode < 400) return 'unreadableAnswer'
  if (statusCode >= 500) return 'http5xx'
  const key = 'http' + statusCode
  return hasText(key) ? key : 'http4xx'
}

function keyFor (err: Described, code: string | undefined, until: string | undefined, answer: ServerResponse | undefined): MessageKey {
  if (code === 'FST_WX_LOGIN_BANNED' && until) return 'bannedUntil'
  if (code && hasText(code)) return code
  // Before errMsg: a wx.request success result carries `errMsg: 'request:ok'`.
  if (answer) return statusKey(answer.statusCode)
  const errMsg = text(err.errMsg)
  // A wx call that failed: wx.login's (LoginError) or a request's (NetworkError).
  if (errMsg) return /timeout/i.test(errMsg) ? 'networkTimeout' : err.name === 'LoginError' ? 'wxLoginFailed' : 'networkFailed'
  // loginData() or onLogin() threw.
  return err.name === 'LoginError' ? 'loginFailed' : 'unknown'
}

/**
 * A short sentence for the user about `err`: any error the client rejects with, a server answer
 * that `request()` resolved with (its `FST_WX_LOGIN_…` code, or its status), or anything else
 * (a generic text). A ban's `until` is shown as `YYYY-MM-DD HH:mm` in local time, and a
 * `retry-after` as the wait. Default locale `'zh-CN'`.
 */
export function messageFor (err: unknown, locale: MessageLocale = 'zh-CN'): string {
  const table = locale === 'en' ? en : zhCN
  const described: Described = err !== null && typeof err === 'object' ? err : {}
  const answer = isAnswer(described.res) ? described.res : isAnswer(described) ? described : undefined
  const body = answer ? errorBody(answer) : {}
  const reason = text(described.reason) as TokenRefusal | undefined
  const code = text(described.code) || body.code || (reason && codeOfRefusal(reason))
  const untilISO = text(described.until) || body.until
  const until = untilISO && localTime(untilISO)
  const seconds = retryAfterSeconds(answer && answer.header)
  const retry = seconds === undefined
    ? table.retryLater
    : seconds < 60 ? fill(table.retryInSeconds, { seconds }) : fill(table.retryInMinutes, { minutes: Math.ceil(seconds / 60) })
  return fill(table[keyFor(described, code, until, answer)], { until, retry })
}
