import { createWxLogin } from '@wx-login/client'
import { messageFor } from '@wx-login/client/messages'
import { config } from '../config'
import { mockLoginWx } from './mock-login-wx'

/** The app's one login kit: every page shares its token and its single re-login. */
export const auth = createWxLogin({
  baseURL: config.baseURL,
  wx: config.mockUser === null ? wx : mockLoginWx(config.baseURL, config.mockUser),
  onError: (err) => console.warn('[wx-login]', err.name, err.message),
  // The server ended this session (another phone signed in, a logout elsewhere, a ban): the client
  // cleared the token and will not sign in by itself. Ask the user, telling why (and until when, for a ban).
  onSessionEnded: (ended) => {
    if (ended.reason === 'banned') {
      void wx.showModal({ title: '账号已封禁', content: messageFor(ended), showCancel: false, confirmText: '知道了' })
      return
    }
    void wx.showModal({
      title: '已退出登录',
      content: messageFor(ended),
      cancelText: '取消',
      confirmText: '重新登录',
      success: (res) => {
        if (res.confirm) void auth.login().catch(() => undefined)
      }
    })
  }
})
