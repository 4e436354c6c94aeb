import type { WechatReply } from './http.js'

export const WECHAT_BUSY = -1

export interface BusyRetry {
  /** Extra attempts when WeChat answers -1 (busy). */
  retries: number
  /** First backoff in ms; doubles each attempt, with jitter. */
  backoff: number
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** Repeats a WeChat call while it answers -1 (busy), with exponential backoff; returns the last answer. */
export async function retryWhileBusy (call: () => Promise<WechatReply>, { retries, backoff }: BusyRetry): Promise<WechatReply> {
  for (let attempt = 0; ; attempt++) {
    const reply = await call()
    if (reply.errcode !== WECHAT_BUSY || attempt >= retries) return reply
    await sleep(backoff * 2 ** attempt * (0.5 + Math.random()))
  }
}

/** The errcode of an answer, 0 for success. */
export const errcodeOf = (reply: WechatReply): number => typeof reply.errcode === 'number' ? reply.errcode : 0
