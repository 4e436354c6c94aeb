import type { FastifyRequest } from 'fastify'
import type { MockApp } from '../apps.js'
import type { MockClock } from '../clock.js'
import type { WechatState } from '../state.js'

/** What the WeChat endpoint plugins need. */
export interface WechatRouteOptions {
  apps: MockApp[]
  clock: MockClock
  state: WechatState
}

/** A query parameter as a non-empty string; a repeated parameter counts by its first value, as WeChat reads it. */
export function queryParam (request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown>)[name]
  const first = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' && first !== '' ? first : undefined
}

/** A field of a JSON body as a non-empty string. */
export function bodyField (body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const value = (body as Record<string, unknown>)[name]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** Checks appid then secret as WeChat does: 41002 / 41004 when missing, 40013 / 40125 when wrong. */
export function authenticateApp (apps: MockApp[], appId: string | undefined, secret: string | undefined): MockApp | number {
  if (appId === undefined) return 41002
  if (secret === undefined) return 41004
  const app = apps.find((candidate) => candidate.appId === appId)
  if (app === undefined) return 40013
  if (app.appSecret !== secret) return 40125
  return app
}
