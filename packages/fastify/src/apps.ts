import { errors } from './errors.js'

/** One mini program this server logs users in for. */
export interface WxAppCredentials {
  appId: string
  /** Never logged, never sent to a client. */
  appSecret: string
}

const APP_ID = /^\S{1,64}$/

function fail (message: string): never {
  throw new Error(`@wx-login/fastify: ${message}`)
}

function checkApp (app: unknown, where: string): WxAppCredentials {
  const { appId, appSecret } = (app ?? {}) as Partial<WxAppCredentials>
  if (typeof appId !== 'string' || !APP_ID.test(appId)) fail(`${where}appId is required (your mini program's AppID)`)
  if (typeof appSecret !== 'string' || appSecret.length === 0) fail(`${where}appSecret is required (your mini program's AppSecret)`)
  return { appId, appSecret }
}

/**
 * The configured mini programs: either `appId` + `appSecret` (one app) or
 * `apps: [{ appId, appSecret }, …]` (several), never both.
 */
export function resolveApps (options: { appId?: unknown, appSecret?: unknown, apps?: unknown }): WxAppCredentials[] {
  if (options.apps === undefined) return [checkApp(options, '')]
  if (options.appId !== undefined || options.appSecret !== undefined) {
    fail('give either appId + appSecret or apps: [{ appId, appSecret }], not both')
  }
  if (!Array.isArray(options.apps) || options.apps.length === 0) fail('apps must be a non-empty array of { appId, appSecret }')
  const apps = options.apps.map((app, i) => checkApp(app, `apps[${i}].`))
  const ids = new Set(apps.map(app => app.appId))
  if (ids.size !== apps.length) fail('apps lists an appId twice')
  return apps
}

export type AppResolver = (appId?: string) => WxAppCredentials

/**
 * Picks the app a request or API call means: the only one when a single app
 * is configured, else the named one (400s for a client that names none or
 * an app this server does not serve).
 */
export function appResolver (apps: WxAppCredentials[]): AppResolver {
  const byId = new Map(apps.map(app => [app.appId, app]))
  const only = apps.length === 1 ? apps[0] : undefined
  return function resolveApp (appId) {
    if (appId === undefined) {
      if (only === undefined) throw new errors.AppIdRequired()
      return only
    }
    const app = byId.get(appId)
    if (app === undefined) throw new errors.UnknownApp(appId)
    return app
  }
}
