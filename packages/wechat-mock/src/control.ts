import { openidFor, resolveApp, unionidFor, type MockApp } from './apps.js'
import type { CallLog, MockCall } from './calls.js'
import type { MockClock } from './clock.js'
import { MockInputError } from './errors.js'
import type { FaultBook, MockFault, PendingFault } from './faults.js'
import { parsePhoneNumber } from './phone-number.js'
import type { WechatState } from './state.js'
import { encryptUserData, type EncryptedUserData } from './user-crypto.js'

/** The mini-program side and the test director's controls; both the /mock/ routes and tests use it. */
export interface WechatMockControl {
  readonly apps: MockApp[]
  /** What wx.login() would give `user`: a fresh code; rotates the user's session_key. */
  mintCode(user: string, appId?: string): string
  /** What <button open-type="getPhoneNumber"> would give `user`. */
  mintPhoneCode(user: string, phoneNumber: string, appId?: string): string
  /** What wx.getUserInfo-style open-data APIs would give `user`, encrypted with the current session_key. */
  encryptedData(user: string, data: object, appId?: string): EncryptedUserData
  /** The user's current session_key, undefined before the user's first code. */
  sessionKey(user: string, appId?: string): string | undefined
  openid(user: string, appId?: string): string
  /** The user's unionid, undefined when the app has no unionGroup. */
  unionid(user: string, appId?: string): string | undefined
  advanceTime(ms: number): void
  now(): number
  addFault(fault: MockFault): void
  /** Faults not used up yet, with the calls they still apply to. */
  pendingFaults(): PendingFault[]
  clearFaults(): void
  calls(path?: string): MockCall[]
  clearCalls(): void
}

export interface ControlParts {
  apps: MockApp[]
  clock: MockClock
  state: WechatState
  faults: FaultBook
  calls: CallLog
}

function checkUser (user: unknown): string {
  if (typeof user !== 'string' || user === '') throw new MockInputError('user must be a non-empty string')
  return user
}

export function createControl ({ apps, clock, state, faults, calls }: ControlParts): WechatMockControl {
  return {
    apps,
    mintCode: (user, appId) => state.mintLoginCode(resolveApp(apps, appId), checkUser(user)),
    mintPhoneCode: (user, phoneNumber, appId) => {
      checkUser(user)
      return state.mintPhoneCode(resolveApp(apps, appId), parsePhoneNumber(phoneNumber))
    },
    encryptedData: (user, data, appId) => {
      const app = resolveApp(apps, appId)
      const sessionKey = state.sessionKey(app, checkUser(user))
      // WeChat encrypts with the session of a logged-in user; without one there is nothing to encrypt with.
      if (sessionKey === undefined) throw new MockInputError(`user ${user} has no session on ${app.appId}: mint a login code first`)
      if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new MockInputError('data must be an object')
      return encryptUserData(data, sessionKey, app.appId, Math.floor(clock.now() / 1000))
    },
    sessionKey: (user, appId) => state.sessionKey(resolveApp(apps, appId), user),
    openid: (user, appId) => openidFor(resolveApp(apps, appId).appId, checkUser(user)),
    unionid: (user, appId) => {
      const app = resolveApp(apps, appId)
      return app.unionGroup === undefined ? undefined : unionidFor(app.unionGroup, checkUser(user))
    },
    advanceTime: (ms) => { clock.advance(ms) },
    now: () => clock.now(),
    addFault: (fault) => { faults.add(fault) },
    pendingFaults: () => faults.list(),
    clearFaults: () => { faults.clear() },
    calls: (path) => calls.list(path),
    clearCalls: () => { calls.clear() }
  }
}
