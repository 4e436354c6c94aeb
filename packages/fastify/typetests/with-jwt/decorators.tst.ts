import fastifyJwt from '@fastify/jwt'
import wxLogin, { type WxSession, type WxUser } from '@wx-login/fastify'
import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string, scope: string }
    user: { sub: string, scope: string }
  }
}

declare module '@wx-login/fastify' {
  interface WxLoginTypes {
    decoratorName: 'wxUser'
  }
}

const app = Fastify()
app.register(fastifyJwt, { secret: 'x' })
app.register(wxLogin, { appId: 'wx1', appSecret: 's', decoratorName: 'wxUser' })

describe('next to @fastify/jwt, with decoratorName: wxUser', () => {
  test('request.user is @fastify/jwt\'s, request.wxUser is ours', () => {
    app.get('/', { onRequest: app.wxLogin.authenticate }, async request => {
      expect(request.user).type.toBe<{ sub: string, scope: string }>()
      expect(request.wxUser).type.toBe<WxUser | null>()
      expect(request.wxSession).type.toBe<WxSession | null>()
      expect(request.jwtVerify).type.not.toBe<never>()
    })
  })

  test('the option takes the declared name only', () => {
    expect(wxLogin).type.not.toBeCallableWith(app, { appId: 'wx1', appSecret: 's', decoratorName: 'user' }, () => {})
  })
})
