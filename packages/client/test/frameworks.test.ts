import type Taro from '@tarojs/taro'
import { createWx } from '@wx-login/wechat-mock/wx'
import t from 'tap'
import { createWxLogin, LoginError, NetworkError, type WxLike } from '../src/index.js'
import { startTestServer } from './fixtures/server.js'
import { taroOver, uniOver } from './frameworks/shims.js'

const server = await startTestServer(t, 'frameworks')

// A rejected promise nobody handles is an error report in a mini program and a crash in Node.
const unhandled: unknown[] = []
process.on('unhandledRejection', (reason) => { unhandled.push(reason) })
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50))

const frameworks: Array<[string, (wx: ReturnType<typeof server.newWx>) => WxLike]> = [
  // Typed as Taro's own declarations say, so the shim cannot drift from the real signatures unnoticed.
  ['Taro', (wx) => taroOver(wx) as unknown as typeof Taro],
  ['uni-app', (wx) => uniOver(wx) as unknown as WxLike]
]

for (const [name, over] of frameworks) {
  t.test(`${name}: login, an authenticated request, and one shared re-login when the server no longer knows the token`, async (t) => {
    unhandled.length = 0
    const wx = server.newWx('frameworks-user')
    const auth = createWxLogin({ baseURL: server.baseURL, wx: over(wx) })
    const { user, token } = await auth.login()
    t.equal(wx.loginCount, 1)
    t.match(wx.getStorageSync('token'), { token }, 'stored with its expiry')

    const me = await auth.request<{ id: unknown, openid: string }>({ url: '/api/me' })
    t.equal(me.statusCode, 200)
    t.same(me.data, user)
    t.equal(server.seen.at(-1)!.authorization, `Bearer ${token}`)

    // A token the server does not know (FST_WX_LOGIN_TOKEN_INVALID) is replaced silently; a revoked one would end the session.
    wx.setStorageSync('token', 'A'.repeat(43))
    const results = await Promise.all([1, 2, 3].map(() => auth.request({ url: '/api/me' })))
    t.same(results.map((r) => r.statusCode), [200, 200, 200])
    t.equal(wx.loginCount, 2, 'one shared re-login')

    const upload = await auth.uploadFile({ url: '/api/upload', filePath: new URL(import.meta.url).pathname, name: 'photo', formData: { caption: name } })
    t.equal(upload.statusCode, 200)
    t.match(JSON.parse(upload.data), { userId: user.id, caption: name })
    const download = await auth.downloadFile({ url: '/api/files/report.txt' })
    t.equal(download.statusCode, 200)

    await auth.logout()
    t.equal(auth.isLoggedIn(), false)
    await settle()
    t.same(unhandled, [], 'no unhandled rejection')
  })

  t.test(`${name}: failures reject the client's call, and nothing else`, async (t) => {
    unhandled.length = 0
    const auth = createWxLogin({ baseURL: server.baseURL, wx: over(server.newWx('frameworks-user')), timeout: 50 })
    const timedOut = await auth.request({ url: '/api/slow?ms=500' }).catch((err: unknown) => err)
    t.ok(timedOut instanceof NetworkError)
    t.equal((timedOut as NetworkError).isTimeout, true)

    const noWeChat = createWxLogin({ baseURL: server.baseURL, wx: over(createWx({ mockUrl: 'http://127.0.0.1:9', user: 'nobody' })) })
    const loginFailed = await noWeChat.login().catch((err: unknown) => err)
    t.ok(loginFailed instanceof LoginError)
    t.match((loginFailed as LoginError).errMsg, /^login:fail/)

    await settle()
    t.same(unhandled, [], 'no unhandled rejection: Taro’s returned promises are handled too')
  })
}
