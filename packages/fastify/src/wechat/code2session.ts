import type { FastifyBaseLogger } from 'fastify'
import { errors } from '../errors.js'
import { loginError } from './errcodes.js'
import type { WechatHttp } from './http.js'
import { errcodeOf, retryWhileBusy, type BusyRetry } from './retry.js'

/** code2Session's answer. session_key stays on the server, always. */
export interface WechatSession {
  openid: string
  unionid: string | null
  sessionKey: string
}

export interface Code2SessionOptions extends BusyRetry {
  http: WechatHttp
  appId: string
  appSecret: string
  log: FastifyBaseLogger
}

export function createCode2Session (options: Code2SessionOptions): (code: string) => Promise<WechatSession> {
  const { http, appId, appSecret, log } = options

  return async function code2Session (code) {
    const reply = await retryWhileBusy(() => http.get('/sns/jscode2session', {
      appid: appId, secret: appSecret, js_code: code, grant_type: 'authorization_code'
    }), options)
    const errcode = errcodeOf(reply)
    if (errcode !== 0) {
      const error = loginError(errcode)
      // Only the errcode is logged: the request URL holds the secret.
      if (error.statusCode !== undefined && error.statusCode >= 500) log.error({ errcode }, 'wx-login: code2Session failed')
      throw error
    }
    if (typeof reply.openid !== 'string' || reply.openid === '' || typeof reply.session_key !== 'string') {
      throw new errors.WechatError()
    }
    return {
      openid: reply.openid,
      unionid: typeof reply.unionid === 'string' && reply.unionid !== '' ? reply.unionid : null,
      sessionKey: reply.session_key
    }
  }
}
