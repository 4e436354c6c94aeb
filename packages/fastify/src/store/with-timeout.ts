export class TimeoutError extends Error {
  constructor (what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`)
    this.name = 'TimeoutError'
  }
}

/**
 * Rejects when `promise` takes longer than `ms`; the promise itself runs on.
 * Each turn of the event loop runs due timers before it reads sockets, so on
 * a busy process the deadline can pass with the answer already received and
 * unread: the rejection waits for that turn's I/O (setImmediate) first.
 */
export function withTimeout<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  let afterIo: NodeJS.Immediate | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      afterIo = setImmediate(() => reject(new TimeoutError(what, ms)))
    }, ms)
  })
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer)
    clearImmediate(afterIo)
  })
}
