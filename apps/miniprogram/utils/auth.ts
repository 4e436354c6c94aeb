import { createWxLogin } from '@wx-login/client'
import { config } from '../config'
import { mockLoginWx } from './mock-login-wx'

/** The app's one login kit: every page shares its token and its single re-login. */
export const auth = createWxLogin({
  baseURL: config.baseURL,
  wx: config.mockUser === null ? wx : mockLoginWx(config.baseURL, config.mockUser),
  onError: (err) => console.warn('[wx-login]', err.name, err.message),
  // The server ended this session (another phone signed in, a logout elsewhere, a ban): the client
  // cleared the token and will not sign in by itself. Ask the user.
  onSessionEnded: ({ reason, until }) => {
    if (reason === 'banned') {
      void wx.showModal({ title: 'Account banned', content: until === undefined ? 'This account is banned.' : `This account is banned until ${until}.`, showCancel: false })
      return
    }
    void wx.showModal({
      title: 'Signed out',
      content: reason === 'replaced' ? 'You signed in on another phone. Sign in here again?' : 'This session was ended. Sign in again?',
      confirmText: 'Sign in',
      success: (res) => {
        if (res.confirm) void auth.login().catch(() => undefined)
      }
    })
  }
})
