import type { TokenRefusal } from '@wx-login/client'
import { messageFor } from '@wx-login/client/messages'
import type { Party } from './sequence-log.js'

/** The languages the playground speaks, as `<html lang>` values. */
export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = typeof LOCALES[number]

// English is the reference: Texts is its shape, so a key missing from (or
// added to) another language fails to compile. In `page` texts, backticks
// mark code, as in the README. Codes, paths and identifiers stay verbatim.
const en = {
  page: {
    title: 'wx-login playground',
    intro: 'The real `@wx-login/client` runs in this page as if it were a mini program. `wx.login()` gets its code from the WeChat mock; the server exchanges it with “WeChat” (code2Session), stores the session and returns a token.',
    language: 'Language',
    phone1: 'Phone 1',
    phone2: 'Phone 2',
    phone2Note: '(same WeChat user, another device)',
    userPicker: 'WeChat user holding the phones',
    login: 'Log in',
    callMe: 'GET /api/me',
    revoke: 'Revoke on server',
    revokeHint: 'The server revokes the token; the client keeps it',
    garble: 'Garble stored token',
    garbleHint: 'The stored token becomes one the server does not know: the next call meets 401 INVALID and logs in silently',
    sessions: 'Sessions',
    logout: 'Log out',
    signInAgain: 'Sign in here again',
    phoneNumber: 'Phone number on the WeChat account',
    getPhone: 'Get phone number',
    getPhoneHint: 'What <button open-type="getPhoneNumber"> does',
    wxLoginsSoFar: '× `wx.login()` so far',
    user: 'Logged-in user',
    lastResult: 'Last result',
    nothingYet: 'Nothing yet.',
    sequence: 'Sequence',
    clear: 'Clear',
    sessionKeyNote: '`session_key` never leaves the server.'
  },
  parties: { 'phone 1': 'phone 1', 'phone 2': 'phone 2', server: 'server', WeChat: 'WeChat' } satisfies Record<Party, string>,
  status: {
    noToken: 'No token stored',
    tokenStored: (token: string) => `Token stored: ${token}`
  },
  user: {
    notLoggedIn: 'Not logged in.',
    tokenOnly: 'A token is stored: call /api/me to see whose.'
  },
  response: {
    titled: (party: string, what: string) => `${party}: ${what}`,
    login: 'Login',
    signedInAgain: 'Signed in again',
    signedInAgainNote: 'A new session; with one session per user the other phone’s is the one that ends now.',
    loggedOut: 'Logged out',
    loggedOutNote: 'The server revoked the token and the client removed it from storage.',
    revokedNote: 'The server revoked this token; the client still holds it. Call /api/me: the server answers 401 REVOKED, the client clears the token and leaves signing in again to the app.',
    garbled: 'token garbled',
    garbledNote: 'The server does not know the stored token. Call /api/me: 401 INVALID, one silent wx.login, the call is retried.',
    ownSessionEnded: 'This device’s own session: its next call meets 401 REVOKED.',
    otherSessionEnded: 'That device’s next call meets 401 REVOKED: its session ends, no silent login.',
    getPhoneFailed: 'getPhoneNumber failed',
    /** What an app would tell its user about a failed call: the client's own text, in this language. */
    forUser: (err: unknown) => messageFor(err, 'en')
  },
  sessions: {
    unknownDevice: 'unknown device',
    thisDevice: ' · This device',
    meta: (ip: string | null, since: string, seen: string) => `${ip ?? 'no ip'} · since ${since} · seen ${seen}`,
    end: 'End'
  },
  /** What the app says when the client ends a session instead of logging in again. */
  ended: {
    missing: 'The session ended (missing). Sign in again?',
    invalid: 'The session ended (invalid). Sign in again?',
    expired: 'The session ended (expired). Sign in again?',
    idle: 'The session ended (idle). Sign in again?',
    revoked: 'This session was ended (revoked on the server or from another device). Sign in again?',
    replaced: 'You signed in on another phone. Sign in here again?',
    banned: 'This account is banned.'
  } satisfies Record<TokenRefusal, string>,
  until: (when: string) => ` (until ${when})`,
  /** Why the server refused a token, and what the client does about it. */
  refusals: {
    missing: 'no token reached the server → the client logs in silently',
    invalid: 'the server does not know this token → the client logs in silently',
    expired: 'the token is past its lifetime → the client logs in silently',
    idle: 'the token was unused too long → the client logs in silently',
    revoked: 'the session was logged out or ended elsewhere → session ended, the app asks',
    replaced: 'a newer login took this session’s place → session ended, the app asks',
    banned: 'the user is banned → session ended'
  } satisfies Record<TokenRefusal, string>,
  log: {
    wxLoginAs: (user: string) => `wx.login() as ${user}`,
    code: (code: string) => `code ${code} (single use, 5 minutes)`,
    failed: (errMsg: string) => errMsg,
    code2SessionAnswer: 'openid, session_key (kept on the server), unionid',
    wechatOk: 'ok',
    wechatFailed: (detail: string) => detail,
    token: (token: string) => `token ${token}`,
    refusal: (reason: TokenRefusal, why: string) => ` · ${reason}: ${why}`,
    sessionEnded: (reason: TokenRefusal) => `session ended (${reason}): token cleared, no silent login; the app asks the user`,
    getPhoneNumberAs: (user: string) => `<button open-type="getPhoneNumber"> as ${user}`,
    phoneCode: (code: string) => `phone code ${code} (single use)`
  }
}

export type Texts = typeof en

const zhCN: Texts = {
  page: {
    title: 'wx-login 演练场',
    intro: '真实的 `@wx-login/client` 在本页中运行，就像在小程序里一样。`wx.login()` 从微信模拟服务拿到 code；服务器用它向“微信”换取会话（code2Session），保存会话并返回令牌。',
    language: '语言',
    phone1: '手机 1',
    phone2: '手机 2',
    phone2Note: '（同一微信用户，另一台设备）',
    userPicker: '拿着手机的微信用户',
    login: '登录',
    callMe: '请求 /api/me',
    revoke: '在服务器上吊销',
    revokeHint: '服务器吊销令牌，客户端仍保留它',
    garble: '篡改已存令牌',
    garbleHint: '已存的令牌变成服务器不认识的值：下一次调用遇到 401 INVALID，并静默登录',
    sessions: '会话列表',
    logout: '退出登录',
    signInAgain: '在此重新登录',
    phoneNumber: '微信账号绑定的手机号',
    getPhone: '获取手机号',
    getPhoneHint: '模拟 <button open-type="getPhoneNumber"> 的行为',
    wxLoginsSoFar: '次 `wx.login()` 调用',
    user: '已登录用户',
    lastResult: '最近结果',
    nothingYet: '暂无。',
    sequence: '时序',
    clear: '清空',
    sessionKeyNote: '`session_key` 从不离开服务器。'
  },
  parties: { 'phone 1': '手机 1', 'phone 2': '手机 2', server: '服务器', WeChat: '微信' },
  status: {
    noToken: '未存令牌',
    tokenStored: (token) => `已存令牌：${token}`
  },
  user: {
    notLoggedIn: '未登录。',
    tokenOnly: '已存有令牌：调用 /api/me 查看是谁的。'
  },
  response: {
    titled: (party, what) => `${party}：${what}`,
    login: '登录',
    signedInAgain: '已重新登录',
    signedInAgainNote: '新的会话；若每个用户只允许一个会话，现在结束的是另一台手机的会话。',
    loggedOut: '已退出登录',
    loggedOutNote: '服务器已吊销令牌，客户端已把它从存储中删除。',
    revokedNote: '服务器已吊销此令牌，客户端仍持有它。调用 /api/me：服务器回答 401 REVOKED，客户端清除令牌，是否重新登录交给应用决定。',
    garbled: '令牌已篡改',
    garbledNote: '服务器不认识已存的令牌。调用 /api/me：401 INVALID，静默调用一次 wx.login，再重试这次请求。',
    ownSessionEnded: '本设备自己的会话：它的下一次调用会遇到 401 REVOKED。',
    otherSessionEnded: '那台设备的下一次调用会遇到 401 REVOKED：会话结束，不会静默登录。',
    getPhoneFailed: 'getPhoneNumber 失败',
    forUser: (err) => messageFor(err, 'zh-CN')
  },
  sessions: {
    unknownDevice: '未知设备',
    thisDevice: ' · 本设备',
    meta: (ip, since, seen) => `${ip ?? '无 IP'} · 登录于 ${since} · 最近活动 ${seen}`,
    end: '结束'
  },
  ended: {
    missing: '会话已结束（missing）。要重新登录吗？',
    invalid: '会话已结束（invalid）。要重新登录吗？',
    expired: '会话已结束（expired）。要重新登录吗？',
    idle: '会话已结束（idle）。要重新登录吗？',
    revoked: '此会话已被结束（在服务器上被吊销，或由另一台设备结束）。要重新登录吗？',
    replaced: '你已在另一台手机上登录。要在这里重新登录吗？',
    banned: '此账号已被封禁。'
  },
  until: (when) => `（至 ${when}）`,
  refusals: {
    missing: '服务器没有收到令牌 → 客户端静默登录',
    invalid: '服务器不认识这个令牌 → 客户端静默登录',
    expired: '令牌已超过有效期 → 客户端静默登录',
    idle: '令牌闲置太久 → 客户端静默登录',
    revoked: '会话已退出或在别处被结束 → 会话结束，由应用询问用户',
    replaced: '更新的登录取代了这个会话 → 会话结束，由应用询问用户',
    banned: '用户已被封禁 → 会话结束'
  },
  log: {
    wxLoginAs: (user) => `以 ${user} 的身份调用 wx.login()`,
    code: (code) => `code ${code}（一次性，5 分钟内有效）`,
    failed: (errMsg) => `失败：${errMsg}`,
    code2SessionAnswer: 'openid、session_key（留在服务器上）、unionid',
    wechatOk: '成功',
    wechatFailed: (detail) => `出错：${detail}`,
    token: (token) => `令牌 ${token}`,
    refusal: (reason, why) => ` · ${reason}：${why}`,
    sessionEnded: (reason) => `会话结束（${reason}）：令牌已清除，不静默登录；由应用询问用户`,
    getPhoneNumberAs: (user) => `以 ${user} 的身份点击 <button open-type="getPhoneNumber">`,
    phoneCode: (code) => `手机号 code ${code}（一次性）`
  }
}

export const DICTIONARY: Record<Locale, Texts> = { 'zh-CN': zhCN, en }
