import { Agent, request } from 'undici'
import { errors } from '../errors.js'
import { events } from '../events.js'

// The errcode an observer sees when WeChat gave no usable answer.
const NO_ANSWER = -2

export interface WechatHttpOptions {
  apiBase: string
  /** Connect, headers and body timeouts, each. */
  timeout: number
}

export type WechatReply = Record<string, unknown> & { errcode?: number, errmsg?: string }

export interface WechatHttp {
  get (path: string, query: Record<string, string>): Promise<WechatReply>
  post (path: string, query: Record<string, string>, body: unknown): Promise<WechatReply>
  close (): Promise<void>
}

// WeChat answers are small; anything bigger is not WeChat.
const MAX_REPLY_BYTES = 64 * 1024
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

/**
 * The transport to api.weixin.qq.com: one undici Agent with bounded timeouts
 * and TLS verification left on. Errors carry no URL (it holds the secret).
 */
export function createWechatHttp (options: WechatHttpOptions): WechatHttp {
  const agent = new Agent({
    connect: { timeout: options.timeout },
    headersTimeout: options.timeout,
    bodyTimeout: options.timeout,
    maxResponseSize: MAX_REPLY_BYTES
  })
  const base = options.apiBase.replace(/\/+$/, '')

  async function send (method: 'GET' | 'POST', path: string, query: Record<string, string>, body?: unknown): Promise<WechatReply> {
    const url = `${base}${path}?${new URLSearchParams(query).toString()}`
    let text: string
    let status: number
    try {
      const res = await request(url, {
        method,
        dispatcher: agent,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body)
      })
      status = res.statusCode
      text = await res.body.text()
    } catch (err) {
      const code = (err as { code?: string }).code ?? ''
      throw TIMEOUT_CODES.has(code) ? new errors.WechatTimeout() : new errors.WechatUnreachable()
    }
    if (status !== 200) throw new errors.WechatUnreachable()
    // WeChat sends JSON, sometimes labelled text/plain: parse it regardless.
    let reply: unknown
    try {
      reply = JSON.parse(text)
    } catch {
      throw new errors.WechatError()
    }
    if (reply === null || typeof reply !== 'object' || Array.isArray(reply)) throw new errors.WechatError()
    return reply as WechatReply
  }

  // Observers see the path (no query: it holds the secret), the errcode and the time taken.
  async function observed (method: 'GET' | 'POST', path: string, query: Record<string, string>, body?: unknown): Promise<WechatReply> {
    if (!events.wechat.hasSubscribers) return await send(method, path, query, body)
    const started = performance.now()
    let errcode = NO_ANSWER
    try {
      const reply = await send(method, path, query, body)
      errcode = typeof reply.errcode === 'number' ? reply.errcode : 0
      return reply
    } finally {
      events.wechat.publish({ path, errcode, durationMs: performance.now() - started })
    }
  }

  return {
    get: (path, query) => observed('GET', path, query),
    post: (path, query, body) => observed('POST', path, query, body),
    close: () => agent.close()
  }
}
