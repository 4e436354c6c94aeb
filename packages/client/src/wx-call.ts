import type { WxLoginError, WxLoginErrorDetails } from './errors.js'

export interface WxCallbacks<R> {
  success: (result: R) => void
  fail: (err: { errMsg: string }) => void
}

type ErrorClass = new (message: string, details?: WxLoginErrorDetails) => WxLoginError

/** Runs a callback-style wx API as a promise; its `fail` becomes an `ErrorClass` carrying `errMsg`. */
export function wxCall<R> (start: (callbacks: WxCallbacks<R>) => unknown, ErrorClass: ErrorClass, prefix = ''): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const returned = start({
      success: resolve,
      fail: (err) => {
        const errMsg = err && err.errMsg
        reject(new ErrorClass(prefix + errMsg, { errMsg }))
      }
    }) as PromiseLike<unknown> | null | undefined
    // Taro's APIs also return a promise that rejects on failure; `fail` has already reported it.
    if (returned && typeof returned.then === 'function') returned.then(undefined, () => undefined)
  })
}
