/// <reference types="miniprogram-api-typings" />

/** The callback trio every asynchronous wx API accepts. */
export interface WxCallbacks<S, F = WechatMiniprogram.GeneralCallbackResult> {
  success?: (result: S) => void
  fail?: (err: F) => void
  complete?: (result: S | F) => void
}

/** What a wx API rejects with: an object with `errMsg`, never an Error. */
export class WxFailure<F extends { errMsg: string } = WechatMiniprogram.GeneralCallbackResult> {
  constructor (readonly result: F) {}
}

export function fail (errMsg: string): WxFailure {
  return new WxFailure({ errMsg })
}

function hasCallbacks (options: object | undefined): boolean {
  if (options === undefined) return false
  const o = options as WxCallbacks<unknown, unknown>
  return typeof o.success === 'function' || typeof o.fail === 'function' || typeof o.complete === 'function'
}

/**
 * Settles a wx API call the way the mini-program runtime does: through
 * `success`/`fail`/`complete` when any callback is given, otherwise as a
 * promise (resolved with the success result, rejected with the `{ errMsg }`
 * object). A throw inside a user callback is not turned into `fail`.
 */
export function settle<S, F extends { errMsg: string }> (
  options: WxCallbacks<S, F> | undefined,
  outcome: Promise<S>
): Promise<S> | undefined {
  if (!hasCallbacks(options)) {
    return outcome.catch((err: unknown) => {
      throw err instanceof WxFailure ? err.result : err
    })
  }
  const { success, fail: onFail, complete } = options as WxCallbacks<S, F>
  void outcome.then(
    (result) => {
      success?.(result)
      complete?.(result)
    },
    (err: unknown) => {
      if (!(err instanceof WxFailure)) throw err
      const result = err.result as F
      onFail?.(result)
      complete?.(result)
    }
  )
  return undefined
}
