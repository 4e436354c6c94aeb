import { randomBytes } from 'node:crypto'
import type { FastifyReply } from 'fastify'

/**
 * The WeChat endpoints the mock serves, with the Content-Type WeChat answers with:
 * jscode2session says text/plain although its body is JSON, so clients must not trust the header.
 */
export const WECHAT_PATHS = {
  '/sns/jscode2session': 'text/plain',
  '/cgi-bin/stable_token': 'application/json; encoding=utf-8',
  '/cgi-bin/token': 'application/json; encoding=utf-8',
  '/wxa/business/getuserphonenumber': 'application/json; encoding=utf-8',
  '/wxa/checksession': 'application/json; encoding=utf-8',
  '/wxa/resetusersessionkey': 'application/json; encoding=utf-8'
} as const

export type WechatPath = keyof typeof WECHAT_PATHS

export function isWechatPath (path: string): path is WechatPath {
  return Object.hasOwn(WECHAT_PATHS, path)
}

/** errmsg texts as WeChat words them (before the ' rid: …' suffix). */
export const ERRMSGS: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40029: 'invalid code',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40226: 'high risk user',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  42001: 'access_token expired',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
  47001: 'data format error',
  87009: 'invalid signature'
}

/** WeChat's request id, appended to every errmsg; it makes errmsg useless for matching, as in production. */
function rid (): string {
  return `${Math.floor(Date.now() / 1000).toString(16).padStart(8, '0')}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`
}

export interface WechatError {
  errcode: number
  errmsg: string
}

export function wechatError (errcode: number, errmsg?: string): WechatError {
  return { errcode, errmsg: `${errmsg ?? ERRMSGS[errcode] ?? 'mock error'} rid: ${rid()}` }
}

/** Answers as WeChat does: HTTP 200, JSON text, the endpoint's own Content-Type, errors in the body. */
export function answer (reply: FastifyReply, path: WechatPath, body: object): FastifyReply {
  return reply.code(200).type(WECHAT_PATHS[path]).send(JSON.stringify(body))
}
