import type { WxLike } from '@wx-login/client'

/**
 * The real `wx`, except that login() gets its code from the demo server's
 * WeChat mock (POST /playground/mock/login) for `user`. Only for the demo:
 * against real WeChat, pass the global `wx` itself.
 */
export function mockLoginWx (baseURL: string, user: string): WxLike {
  return {
    login (option) {
      wx.request<{ code?: string, message?: string }>({
        url: `${baseURL}/playground/mock/login`,
        method: 'POST',
        data: { user },
        success (res) {
          const code = res.data.code
          if (res.statusCode === 200 && typeof code === 'string') {
            option.success?.({ code })
          } else {
            option.fail?.({ errMsg: `login:fail ${res.data.message ?? `HTTP ${res.statusCode}`}` })
          }
        },
        fail (err) {
          option.fail?.({ errMsg: `login:fail ${err.errMsg}` })
        }
      })
    },
    request: (option) => wx.request(option),
    uploadFile: (option) => wx.uploadFile(option),
    downloadFile: (option) => wx.downloadFile(option),
    getStorageSync: (key) => wx.getStorageSync(key),
    setStorageSync: (key, data) => wx.setStorageSync(key, data),
    removeStorageSync: (key) => wx.removeStorageSync(key),
    checkSession: (option) => wx.checkSession(option),
    canIUse: (schema) => wx.canIUse(schema),
    // Only where the base library has them: the client checks canIUse before calling.
    getDeviceInfo: () => wx.getDeviceInfo(),
    getAppBaseInfo: () => wx.getAppBaseInfo(),
    getSystemInfoSync: () => wx.getSystemInfoSync()
  }
}
