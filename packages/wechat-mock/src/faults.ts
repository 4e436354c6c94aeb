import { MockInputError } from './errors.js'
import { isWechatPath, WECHAT_PATHS } from './wechat-answer.js'

/**
 * A failure to inject on the next `times` calls (default 1) to one WeChat path: a WeChat errcode
 * (HTTP 200), an HTTP status, a dropped connection, and/or a delay before answering.
 */
export interface MockFault {
  path: string
  errcode?: number
  /** errmsg for `errcode`; WeChat's wording by default. */
  errmsg?: string
  status?: number
  delayMs?: number
  drop?: boolean
  times?: number
}

/** What to do with one call, once a fault has been picked for it. */
export type FaultAction =
  | { kind: 'errcode', errcode: number, errmsg: string | undefined, delayMs: number }
  | { kind: 'status', status: number, delayMs: number }
  | { kind: 'drop', delayMs: number }
  | { kind: 'delay', delayMs: number }

interface QueuedFault {
  action: FaultAction
  remaining: number
}

/** A fault still waiting for calls, as GET /mock/faults lists it. */
export type PendingFault = { path: string, remaining: number } & FaultAction

function checkFault (fault: MockFault): { action: FaultAction, times: number } {
  if (typeof fault !== 'object' || fault === null) throw new MockInputError('a fault must be an object')
  if (typeof fault.path !== 'string' || !isWechatPath(fault.path)) {
    throw new MockInputError(`fault path must be one of ${Object.keys(WECHAT_PATHS).join(', ')}`)
  }
  const times = fault.times ?? 1
  if (!Number.isInteger(times) || times < 1) throw new MockInputError('fault times must be an integer >= 1')
  const delayMs = fault.delayMs ?? 0
  if (!Number.isFinite(delayMs) || delayMs < 0) throw new MockInputError('fault delayMs must be a number >= 0')
  if (fault.drop !== undefined && typeof fault.drop !== 'boolean') throw new MockInputError('fault drop must be a boolean')
  const kinds = [fault.errcode !== undefined, fault.status !== undefined, fault.drop === true].filter(Boolean).length
  if (kinds > 1) throw new MockInputError('a fault has at most one of errcode, status, drop')
  if (fault.errcode !== undefined) {
    if (!Number.isInteger(fault.errcode) || fault.errcode === 0) throw new MockInputError('fault errcode must be a non-zero integer')
    return { action: { kind: 'errcode', errcode: fault.errcode, errmsg: fault.errmsg, delayMs }, times }
  }
  if (fault.status !== undefined) {
    if (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599) {
      throw new MockInputError('fault status must be an HTTP status between 200 and 599')
    }
    return { action: { kind: 'status', status: fault.status, delayMs }, times }
  }
  if (fault.drop === true) return { action: { kind: 'drop', delayMs }, times }
  if (fault.delayMs === undefined) throw new MockInputError('a fault needs one of errcode, status, delayMs, drop')
  return { action: { kind: 'delay', delayMs }, times }
}

/** Pending faults per WeChat path, used first-in first-out. */
export class FaultBook {
  readonly #pending = new Map<string, QueuedFault[]>()

  add (fault: MockFault): void {
    const { action, times } = checkFault(fault)
    const queue = this.#pending.get(fault.path) ?? []
    queue.push({ action, remaining: times })
    this.#pending.set(fault.path, queue)
  }

  /** The action for the next call to `path`, if a fault is pending; counts the call against it. */
  take (path: string): FaultAction | undefined {
    const queue = this.#pending.get(path)
    const head = queue?.[0]
    if (queue === undefined || head === undefined) return undefined
    head.remaining -= 1
    if (head.remaining === 0) queue.shift()
    return head.action
  }

  /** Pending faults, for GET /mock/faults. */
  list (): PendingFault[] {
    return [...this.#pending].flatMap(([path, queue]) => queue.map((queued) => ({ path, remaining: queued.remaining, ...queued.action })))
  }

  clear (): void {
    this.#pending.clear()
  }
}
