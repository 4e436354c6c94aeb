import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { errors } from '../errors.js'

const RETRY_AFTER_SECONDS: Record<number, string> = { 429: '60', 503: '5' }

/** Maps everything the login routes can throw onto the plugin's stable codes. */
export function loginErrorHandler (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let answer: FastifyError
  if (typeof error.code === 'string' && error.code.startsWith('FST_WX_LOGIN_')) {
    answer = error
  } else if (error.statusCode === 429) {
    // A host app's own @fastify/rate-limit refusing one of our routes.
    answer = new errors.RateLimited()
  } else if (error.validation !== undefined) {
    answer = new errors.InvalidBody(error.message)
  } else if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    answer = new errors.BodyTooLarge()
  } else if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    answer = new errors.UnsupportedMediaType()
  } else if (error.statusCode === 403) {
    // A findUser / createUser / onLogin hook refused the user its own way.
    answer = new errors.LoginRefused()
  } else if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    answer = new errors.InvalidBody(error.message)
  } else {
    request.log.error({ err: error }, 'wx-login: unexpected error')
    answer = new errors.Internal()
  }
  const statusCode = answer.statusCode ?? 500
  const retryAfter = RETRY_AFTER_SECONDS[statusCode]
  // The rate limiters set the exact wait; keep it.
  if (retryAfter !== undefined && !reply.hasHeader('retry-after')) reply.header('retry-after', retryAfter)
  const until = (answer as { until?: number | null }).until
  return reply.code(statusCode).send({
    statusCode,
    code: answer.code,
    error: statusCodeName(statusCode),
    message: answer.message,
    ...(typeof until === 'number' ? { until: new Date(until).toISOString() } : {})
  })
}

function statusCodeName (statusCode: number): string {
  return STATUS_CODES[statusCode] ?? 'Error'
}
