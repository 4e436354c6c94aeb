import type { WxLoginUser } from '@wx-login/client'
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
      this.setData({ result: `${(err as Error).name}: ${(err as Error).message}` })
    } finally {
      this.setData({ busy: false, loggedIn: auth.isLoggedIn() })
    }
  },

  onLogin () {
    void this.run(async () => {
      const { user, isNewUser } = await auth.login()
      this.setData({ user: pretty(user) })
      return isNewUser ? 'Logged in: a new user was created.' : 'Logged in.'
    })
  },

  // request() logs in first when there is no token, and again once if the server answers 401.
  onCallMe () {
    void this.run(async () => {
      const res = await auth.request<WxLoginUser>({ url: '/api/me' })
      if (res.statusCode === 200) this.setData({ user: pretty(res.data) })
      return `GET /api/me → ${res.statusCode}`
    })
  },

  onLogout () {
    void this.run(async () => {
      await auth.logout()
      this.setData({ user: '' })
      return 'Logged out.'
    })
  }
})
