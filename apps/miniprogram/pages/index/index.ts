import type { WxLoginUser } from '@wx-login/client'
import { messageFor } from '@wx-login/client/messages'
import { auth } from '../../utils/auth'

interface IndexData {
  loggedIn: boolean
  busy: boolean
  user: string
  result: string
}

function pretty (value: unknown): string {
  return JSON.stringify(value, null, 2)
}

Page<IndexData, WechatMiniprogram.IAnyObject>({
  data: {
    loggedIn: false,
    busy: false,
    user: '',
    result: ''
  },

  onLoad () {
    this.setData({ loggedIn: auth.isLoggedIn() })
  },

  async run (action: () => Promise<string>) {
    this.setData({ busy: true })
    try {
      this.setData({ result: await action() })
    } catch (err) {
      // The user's sentence; onError in utils/auth.ts logs the error itself.
      this.setData({ result: messageFor(err) })
    } finally {
      this.setData({ busy: false, loggedIn: auth.isLoggedIn() })
    }
  },

  onLogin () {
    void this.run(async () => {
      const { user, isNewUser } = await auth.login()
      this.setData({ user: pretty(user) })
      return isNewUser ? '登录成功，已创建新用户。' : '登录成功。'
    })
  },

  // request() logs in first when there is no token, and again once if the server answers 401.
  onCallMe () {
    void this.run(async () => {
      const res = await auth.request<WxLoginUser>({ url: '/api/me' })
      if (res.statusCode !== 200) return messageFor(res)
      this.setData({ user: pretty(res.data) })
      return '已获取用户信息。'
    })
  },

  onLogout () {
    void this.run(async () => {
      await auth.logout()
      this.setData({ user: '' })
      return '已退出登录。'
    })
  }
})
