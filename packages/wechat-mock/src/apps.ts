import { createHash } from 'node:crypto'
import { MockInputError } from './errors.js'

/** A mini program the mock knows. Apps sharing a `unionGroup` behave as bound to one Open Platform account. */
export interface MockApp {
  appId: string
  appSecret: string
  unionGroup?: string
}

/** The documented demo app, served when no app is configured. Its secret is public on purpose: it is a mock. */
export const DEMO_APP: MockApp = Object.freeze({
  appId: 'wxd0e1f2a3b4c5d6e7',
  appSecret: 'de305ec7e7a1b2c3d4e5f60718293a4b',
  unionGroup: 'demo'
})

/** Fails early on a configuration that would make the mock ambiguous. */
export function checkApps (apps: readonly MockApp[]): MockApp[] {
  if (apps.length === 0) throw new MockInputError('apps must list at least one app')
  const seen = new Set<string>()
  for (const app of apps) {
    if (typeof app.appId !== 'string' || app.appId === '') throw new MockInputError('every app needs a non-empty appId')
    if (typeof app.appSecret !== 'string' || app.appSecret === '') throw new MockInputError(`app ${app.appId} needs a non-empty appSecret`)
    if (app.unionGroup !== undefined && (typeof app.unionGroup !== 'string' || app.unionGroup === '')) {
      throw new MockInputError(`app ${app.appId}: unionGroup must be a non-empty string when set`)
    }
    if (seen.has(app.appId)) throw new MockInputError(`appId ${app.appId} is listed twice`)
    seen.add(app.appId)
  }
  return apps.map((app) => ({ ...app }))
}

/** The app a control call means: appid may be left out only when the mock serves exactly one app. */
export function resolveApp (apps: readonly MockApp[], appId?: string): MockApp {
  if (appId === undefined) {
    const [only, ...others] = apps
    if (only !== undefined && others.length === 0) return only
    throw new MockInputError(`appid is required: this mock serves ${apps.length} apps`)
  }
  const app = apps.find((candidate) => candidate.appId === appId)
  if (app === undefined) throw new MockInputError(`unknown appid ${appId}`)
  return app
}

function derivedId (seed: string): string {
  // 28 characters starting with 'o', like WeChat's openids and unionids; stable across restarts.
  return 'o' + createHash('sha256').update(seed).digest('base64url').slice(0, 27)
}

/** The user's openid in one app: stable per (app, user), different across apps. */
export function openidFor (appId: string, user: string): string {
  return derivedId(`${appId}:${user}`)
}

/** The user's unionid: the same for every app of one union group. */
export function unionidFor (unionGroup: string, user: string): string {
  return derivedId(`union:${unionGroup}:${user}`)
}
