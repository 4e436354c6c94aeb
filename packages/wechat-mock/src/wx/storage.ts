import { fail, settle } from './async-api.js'

/** Where a runtime keeps its storage; share one between two runtimes to simulate an app restart. */
export type WxStorage = Map<string, unknown>

type StorageApi = Pick<WechatMiniprogram.Wx,
  'setStorageSync' | 'getStorageSync' | 'removeStorageSync' | 'clearStorageSync' |
  'setStorage' | 'getStorage' | 'removeStorage' | 'clearStorage'>

type Promisified<T, O extends WechatMiniprogram.AsyncMethodOptionLike> = WechatMiniprogram.PromisifySuccessResult<T, O>

/**
 * wx storage over a Map. Values are copied in and out (wx serializes them), so
 * mutating a read value never changes what is stored. A missing key reads as ''.
 */
export function createStorageApi (storage: WxStorage): StorageApi {
  function setStorageSync<T> (key: string, data: T): void {
    if (typeof key !== 'string' || key === '') throw new Error('setStorageSync:fail parameter error: key should be a non-empty string')
    storage.set(key, structuredClone(data))
  }
  function getStorageSync<T> (key: string): T {
    return (storage.has(key) ? structuredClone(storage.get(key)) : '') as T
  }
  function removeStorageSync (key: string): void {
    storage.delete(key)
  }
  function clearStorageSync (): void {
    storage.clear()
  }

  return {
    setStorageSync,
    getStorageSync,
    removeStorageSync,
    clearStorageSync,
    setStorage<T = unknown, U extends WechatMiniprogram.SetStorageOption<T> = WechatMiniprogram.SetStorageOption<T>> (option: U) {
      return settle(option, (async () => {
        try {
          setStorageSync(option.key, option.data)
        } catch (err) {
          throw fail((err as Error).message.replace('setStorageSync', 'setStorage'))
        }
        return { errMsg: 'setStorage:ok' }
      })()) as Promisified<U, WechatMiniprogram.SetStorageOption<T>>
    },
    getStorage<T = unknown, U extends WechatMiniprogram.GetStorageOption<T> = WechatMiniprogram.GetStorageOption<T>> (option: U) {
      return settle(option, (async () => {
        if (!storage.has(option.key)) throw fail('getStorage:fail data not found')
        return { data: getStorageSync<T>(option.key), errMsg: 'getStorage:ok' }
      })()) as Promisified<U, WechatMiniprogram.GetStorageOption<T>>
    },
    removeStorage<T extends WechatMiniprogram.RemoveStorageOption = WechatMiniprogram.RemoveStorageOption> (option: T) {
      return settle(option, (async () => {
        removeStorageSync(option.key)
        return { errMsg: 'removeStorage:ok' }
      })()) as Promisified<T, WechatMiniprogram.RemoveStorageOption>
    },
    clearStorage<T extends WechatMiniprogram.ClearStorageOption = WechatMiniprogram.ClearStorageOption> (option?: T) {
      return settle(option, (async () => {
        clearStorageSync()
        return { errMsg: 'clearStorage:ok' }
      })()) as Promisified<T, WechatMiniprogram.ClearStorageOption>
    }
  }
}
