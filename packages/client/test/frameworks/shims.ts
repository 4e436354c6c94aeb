import type { NodeWx } from '@wx-login/wechat-mock/wx'

type Options = Record<string, unknown> & {
  success?: (result: unknown) => void
  fail?: (err: unknown) => void
  complete?: (result: unknown) => void
}
type Call = (options: Options) => unknown

/**
 * Taro 4 on the WeChat target, over a `wx`, as @tarojs/shared's processApis
 * builds it: login, uploadFile and downloadFile call the caller's callbacks
 * *and* return a promise that rejects on failure; request (getNormalRequest,
 * behind Taro's interceptor chain) does the same and adds abort().
 */
export function taroOver (wx: NodeWx): Record<string, unknown> {
  const api = wx as unknown as Record<string, Call>
  const promisified = (name: string) => (options: Options = {}) => {
    let task: unknown
    const promise = new Promise((resolve, reject) => {
      task = api[name]!({
        ...options,
        success: (result) => { options.success?.(result); resolve(result) },
        fail: (err) => { options.fail?.(err); reject(err) },
        complete: (result) => { options.complete?.(result) }
      })
    })
    return Object.assign(promise, { abort: () => (task as { abort?: () => void } | undefined)?.abort?.() })
  }
  return {
    login: promisified('login'),
    request: promisified('request'),
    uploadFile: promisified('uploadFile'),
    downloadFile: promisified('downloadFile'),
    // Taro's sync APIs call wx's as they are.
    getStorageSync: (key: string) => wx.getStorageSync(key),
    setStorageSync: (key: string, data: unknown) => wx.setStorageSync(key, data),
    removeStorageSync: (key: string) => wx.removeStorageSync(key)
  }
}

/**
 * uni-app (Vue 3) on the WeChat target, over a `wx`: an async API called with
 * success, fail or complete runs in callback style and returns what wx
 * returns (a task for request); called without any, it returns a promise.
 */
export function uniOver (wx: NodeWx): Record<string, unknown> {
  const api = wx as unknown as Record<string, Call>
  const promisable = (name: string) => (options: Options = {}) => {
    if (options.success || options.fail || options.complete) return api[name]!(options)
    return new Promise((resolve, reject) => { api[name]!({ ...options, success: resolve, fail: reject }) })
  }
  return {
    login: promisable('login'),
    request: promisable('request'),
    uploadFile: promisable('uploadFile'),
    downloadFile: promisable('downloadFile'),
    getStorageSync: (key: string) => wx.getStorageSync(key),
    setStorageSync: (key: string, data: unknown) => wx.setStorageSync(key, data),
    removeStorageSync: (key: string) => wx.removeStorageSync(key)
  }
}
