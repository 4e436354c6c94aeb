import type { FastifyBaseLogger } from 'fastify'
import { errors } from '../errors.js'
import { loginError, WECHAT_BUSY } from './errcodes.js'
import type { WechatHttp } from './http.js'

/** code2Session's answer. session_key stays on the server, always. */
export interface WechatSession {
  openid: string
  unionid: string | null
  sessionKey: string
}

export interface Code2SessionOptions {
  http: WechatHttp
  appId: string
  appSecret: string
  /** Extra attempts when WeChat answers -1 (busy). */
  retries: number
  /** First backoff in ms; doubles each attempt, with jitter. */
  backoff: number
  log: FastifyBaseLogger
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export function createCode2Session (options: Code2SessionOptions): (code: string) => Promise<WechatSession> {
  const { http, appId, appSecret, log } = options

  return async function code2Session (code) {
    for (let attempt = 0; ; attempt++) {
      const reply = await http.get('/sns/jscode2session', {
        appid: appId, secret: appSecret, js_code: code, grant_type: 'authorization_code'
      })
      const errcode = typeof reply.errcode === 'number' ? reply.errcode : 0
      if (errcode === WECHAT_BUSY && attempt < options.retries) {
        await sleep(options.backoff * 2 ** attempt * (0.5 + Math.random()))
        continue
      }
      if (errcode !== 0) {
        const error = loginError(errcode)
        // Only the errcode is logged: the request URL holds the secret.
        if (error.statusCode !== undefined && error.statusCode >= 500) {
          log.error({ errcode }, 'wx-login: code2Session failed')
        }
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
}
