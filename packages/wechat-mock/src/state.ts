import { randomBytes } from 'node:crypto'
import { openidFor, unionidFor, type MockApp } from './apps.js'
import type { MockClock } from './clock.js'
import type { PhoneNumber } from './phone-number.js'
import { newSessionKey, sessionKeySignature } from './user-crypto.js'

/** wx.login codes and phone codes live 5 minutes (WeChat's documented validity). */
export const CODE_TTL_MS = 5 * 60_000
/** access_token lifetime, in seconds, as WeChat reports it in expires_in. */
export const ACCESS_TOKEN_TTL_S = 7200
/** stable_token renews on its own when less than this is left, so a returned token always has at least 300 s. */
export const STABLE_TOKEN_RENEW_BEFORE_MS = 300_000
/** After a legacy /cgi-bin/token call, the previous token keeps working this long. */
export const LEGACY_TOKEN_OVERLAP_MS = 5 * 60_000

/** Either the answer or the WeChat errcode to send instead. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; errcode: number }

export interface Code2SessionResult {
  openid: string
  session_key: string
  unionid?: string
}

export interface AccessTokenGrant {
  access_token: string
  expires_in: number
}

export interface RedeemedPhone extends PhoneNumber {
  appId: string
}

interface LoginCode {
  appId: string
  user: string
  expiresAt: number
  used: boolean
}

interface PhoneCode {
  appId: string
  phone: PhoneNumber
  expiresAt: number
  used: boolean
}

interface AccessToken {
  app: MockApp
  expiresAt: number
  /** Set when a newer token replaced this one (force_refresh, legacy endpoint). */
  revokedAt?: number
}

const SWEEP_EVERY_MS = 60_000

function fail<T> (errcode: number): Outcome<T> {
  return { ok: false, errcode }
}

function ok<T> (value: T): Outcome<T> {
  return { ok: true, value }
}

/** Codes, session keys and access tokens: what WeChat's server remembers between calls. */
export class WechatState {
  readonly #clock: MockClock
  readonly #loginCodes = new Map<string, LoginCode>()
  readonly #phoneCodes = new Map<string, PhoneCode>()
  /** session_key per `${appId}\n${user}`. */
  readonly #sessionKeys = new Map<string, string>()
  /** user per `${appId}\n${openid}`, for the endpoints that only get an openid. */
  readonly #usersByOpenid = new Map<string, string>()
  readonly #tokens = new Map<string, AccessToken>()
  readonly #stableTokens = new Map<string, string>()
  readonly #legacyTokens = new Map<string, { current: string; previous: string | undefined }>()
  #lastSweep = 0

  constructor (clock: MockClock) {
    this.#clock = clock
  }

  /** What wx.login() does on WeChat's side: a fresh single-use code, and a rotated session_key. */
  mintLoginCode (app: MockApp, user: string): string {
    this.#sweep()
    const code = randomBytes(24).toString('base64url')
    this.#loginCodes.set(code, { appId: app.appId, user, expiresAt: this.#clock.now() + CODE_TTL_MS, used: false })
    this.#sessionKeys.set(`${app.appId}\n${user}`, newSessionKey())
    this.#usersByOpenid.set(`${app.appId}\n${openidFor(app.appId, user)}`, user)
    return code
  }

  redeemLoginCode (app: MockApp, code: string): Outcome<Code2SessionResult> {
    const entry = this.#loginCodes.get(code)
    if (entry === undefined || entry.appId !== app.appId || this.#clock.now() >= entry.expiresAt) return fail(40029)
    if (entry.used) return fail(40163)
    entry.used = true
    const result: Code2SessionResult = {
      openid: openidFor(app.appId, entry.user),
      session_key: this.sessionKey(app, entry.user) as string
    }
    if (app.unionGroup !== undefined) result.unionid = unionidFor(app.unionGroup, entry.user)
    return ok(result)
  }

  sessionKey (app: MockApp, user: string): string | undefined {
    return this.#sessionKeys.get(`${app.appId}\n${user}`)
  }

  mintPhoneCode (app: MockApp, phone: PhoneNumber): string {
    this.#sweep()
    const code = randomBytes(24).toString('hex')
    this.#phoneCodes.set(code, { appId: app.appId, phone, expiresAt: this.#clock.now() + CODE_TTL_MS, used: false })
    return code
  }

  redeemPhoneCode (app: MockApp, code: string): Outcome<RedeemedPhone> {
    const entry = this.#phoneCodes.get(code)
    // WeChat answers 40029 for a phone code that is unknown, expired, already used or from another app.
    if (entry === undefined || entry.used || entry.appId !== app.appId || this.#clock.now() >= entry.expiresAt) return fail(40029)
    entry.used = true
    return ok({ ...entry.phone, appId: app.appId })
  }

  /** POST /cgi-bin/stable_token: one token per app, shared by every caller until it nears expiry. */
  stableToken (app: MockApp, forceRefresh: boolean): AccessTokenGrant {
    const now = this.#clock.now()
    const currentToken = this.#stableTokens.get(app.appId)
    const current = currentToken === undefined ? undefined : this.#tokens.get(currentToken)
    if (currentToken !== undefined && current !== undefined) {
      if (!forceRefresh && current.revokedAt === undefined && current.expiresAt - now > STABLE_TOKEN_RENEW_BEFORE_MS) {
        return { access_token: currentToken, expires_in: Math.floor((current.expiresAt - now) / 1000) }
      }
      // force_refresh invalidates the previous token at once; a natural renewal lets it live out its time.
      if (forceRefresh) current.revokedAt = now
    }
    const token = this.#issueToken(app)
    this.#stableTokens.set(app.appId, token)
    return { access_token: token, expires_in: ACCESS_TOKEN_TTL_S }
  }

  /** GET /cgi-bin/token: every call issues a new token; the previous one dies 5 minutes later, older ones at once. */
  legacyToken (app: MockApp): AccessTokenGrant {
    const now = this.#clock.now()
    const chain = this.#legacyTokens.get(app.appId)
    if (chain !== undefined) {
      const older = chain.previous === undefined ? undefined : this.#tokens.get(chain.previous)
      if (older?.revokedAt !== undefined && older.revokedAt > now) older.revokedAt = now
      const previous = this.#tokens.get(chain.current)
      if (previous !== undefined) previous.revokedAt = now + LEGACY_TOKEN_OVERLAP_MS
    }
    const token = this.#issueToken(app)
    this.#legacyTokens.set(app.appId, { current: token, previous: chain?.current })
    return { access_token: token, expires_in: ACCESS_TOKEN_TTL_S }
  }

  /** The app an access_token belongs to, or 40001 (unknown, replaced) / 42001 (expired). */
  appForToken (token: string): Outcome<MockApp> {
    const record = this.#tokens.get(token)
    const now = this.#clock.now()
    if (record === undefined) return fail(40001)
    if (record.revokedAt !== undefined && now >= record.revokedAt) return fail(40001)
    if (now >= record.expiresAt) return fail(42001)
    return ok(record.app)
  }

  /** Checks the HMAC signature of the user's current session_key; answers the user behind the openid. */
  verifySessionSignature (app: MockApp, openid: string, signature: string): Outcome<string> {
    const user = this.#usersByOpenid.get(`${app.appId}\n${openid}`)
    if (user === undefined) return fail(40003)
    const sessionKey = this.sessionKey(app, user) as string
    if (signature !== sessionKeySignature(sessionKey)) return fail(87009)
    return ok(user)
  }

  /** /wxa/resetusersessionkey: a new session_key for the user; the old one stops working. */
  resetSessionKey (app: MockApp, user: string): string {
    const sessionKey = newSessionKey()
    this.#sessionKeys.set(`${app.appId}\n${user}`, sessionKey)
    return sessionKey
  }

  #issueToken (app: MockApp): string {
    const token = randomBytes(96).toString('base64url')
    this.#tokens.set(token, { app, expiresAt: this.#clock.now() + ACCESS_TOKEN_TTL_S * 1000 })
    return token
  }

  /** Forgets expired codes and tokens now and then, so a long-running mock does not grow without bound. */
  #sweep (): void {
    const now = this.#clock.now()
    if (now - this.#lastSweep < SWEEP_EVERY_MS) return
    this.#lastSweep = now
    for (const [code, entry] of this.#loginCodes) if (now >= entry.expiresAt) this.#loginCodes.delete(code)
    for (const [code, entry] of this.#phoneCodes) if (now >= entry.expiresAt) this.#phoneCodes.delete(code)
    // Expired tokens are kept a day so callers still get 42001 (not 40001) for them.
    for (const [token, record] of this.#tokens) if (now >= record.expiresAt + 86_400_000) this.#tokens.delete(token)
  }
}
