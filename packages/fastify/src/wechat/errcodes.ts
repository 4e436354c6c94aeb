import type { FastifyError } from 'fastify'
import { errors } from '../errors.js'

/** WeChat's errcodes that login answers with, and what a client is told. */
const LOGIN_ERRORS: Record<number, () => FastifyError> = {
  [-1]: () => new errors.WechatBusy(),
  40029: () => new errors.CodeInvalid(),
  40163: () => new errors.CodeUsed(),
  40226: () => new errors.UserBlocked(),
  45011: () => new errors.RateLimited(),
  40013: () => new errors.Config(),
  40125: () => new errors.Config()
}

export function loginError (errcode: number): FastifyError {
  return (LOGIN_ERRORS[errcode] ?? (() => new errors.WechatError()))()
}
