import type { ServerResponse, TokenRefusal } from './types.js'

type ErrorBody = { code?: unknown, message?: unknown, until?: unknown } | undefined

/** What a server error body says, when it is JSON shaped like Fastify's errors. */
export interface AnswerError {
  code?: string
  message?: string
  /** FST_WX_LOGIN_BANNED: when the ban ends. */
  until?: string
}

/** Parsed JSON, or undefined: `wx.uploadFile` hands the body over as a string. */
function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export const text = (value: unknown): string | undefined => typeof value === 'string' ? value : undefined

export function errorBody (res: ServerResponse): AnswerError {
  const data = typeof res.data === 'string' ? parseJson(res.data) : res.data
  const body = (data !== null && typeof data === 'object' ? data : undefined) as ErrorBody
  return body ? { code: text(body.code), message: text(body.message), until: text(body.until) } : {}
}

const TOKEN_CODE = /^FST_WX_LOGIN_(?:TOKEN_(MISSING|INVALID|EXPIRED|IDLE|REVOKED|REPLACED)|(BANNED))$/

/** Why the server refused the token, from its error code (`res.data.code`); undefined for any other code or value. */
export function refusalOf (code: unknown): TokenRefusal | undefined {
  const match = typeof code === 'string' ? TOKEN_CODE.exec(code) : null
  return match ? (match[1] || match[2])!.toLowerCase() as TokenRefusal : undefined
}

/** The server's code for a refusal: refusalOf's inverse (SessionEndedError carries only the reason). */
export function codeOfRefusal (reason: TokenRefusal): string {
  return reason === 'banned' ? 'FST_WX_LOGIN_BANNED' : 'FST_WX_LOGIN_TOKEN_' + reason.toUpperCase()
}
