import wxLogin, { type LoginEvent, type WxLoginOptions, type WxLoginUser, type WxSession, type WxUser } from '@wx-login/fastify'
import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'

interface Member { id: number, nickname: string, plan: 'free' | 'pro' }

declare module '@wx-login/fastify' {
  interface WxLoginTypes {
    user: Member
    decoratorName: 'member'
  }
}

const app = Fastify()
const options = { appId: 'wx1', appSecret: 's', decoratorName: 'member' as const }

describe('WxLoginTypes: an application\'s own user under its own name', () => {
  test('the decorator has the declared name and type; request.user is left untyped', () => {
    app.get('/', { onRequest: app.wxLogin.optionalAuthenticate }, async request => {
      expect(request.member).type.toBe<(WxUser & Member) | null>()
      expect(request.member!.id).type.toBe<number>()
      expect(request.member!.openid).type.toBe<string>()
      expect(request.wxSession).type.toBe<WxSession | null>()
      expect(request.wxSession!.user.plan).type.toBe<'free' | 'pro'>()
      expect(request).type.not.toHaveProperty('user')
    })
  })

  test('decoratorName must be the declared one', () => {
    expect(app.register).type.toBeCallableWith(wxLogin, options)
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ ...options, decoratorName: 'user' as const })
  })

  test('findUser and createUser return the user, less the identity the plugin adds', () => {
    expect<WxLoginOptions>().type.toBeAssignableFrom({
      ...options,
      findUser: async () => ({ id: 1, nickname: 'n', plan: 'free' as const }),
      createUser: async () => ({ id: 2, nickname: 'new', plan: 'pro' as const })
    })
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ ...options, findUser: async () => ({ id: 1 }), autoRegister: false })
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ ...options, findUser: async () => ({ id: 'not a number', nickname: 'n', plan: 'free' as const }), autoRegister: false })
  })

  test('what the API hands back is the application\'s user', () => {
    expect<WxLoginUser>().type.toBe<WxUser & Member>()
    expect<LoginEvent['user']>().type.toBe<WxUser & Member>()
    expect(app.wxLogin.verify('t')).type.toBe<Promise<WxSession | null>>()
    expect(app.wxLogin.issueToken).type.toBeCallableWith({ id: 1, appId: 'wx1', openid: 'o', unionid: null, nickname: 'n', plan: 'pro' })
    expect(app.wxLogin.issueToken).type.not.toBeCallableWith({ id: 1, appId: 'wx1', openid: 'o', unionid: null })
  })
})
