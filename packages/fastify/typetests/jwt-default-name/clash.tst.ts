import fastifyJwt from '@fastify/jwt'
import wxLogin, { type WxLoginOptions } from '@wx-login/fastify'
import Fastify from 'fastify'
import { describe, expect, test } from 'tstyche'

// @fastify/jwt is here and WxLoginTypes names no decoratorName: both would
// claim request.user. With skipLibCheck (most apps), the clash between the two
// augmentations is not reported, so the options report it.
const app = Fastify()
app.register(fastifyJwt, { secret: 'x' })

describe('next to @fastify/jwt, the default decorator name', () => {
  test('is refused at register, with the reason in the expected type', () => {
    expect(app.register).type.not.toBeCallableWith(wxLogin, { appId: 'wx1', appSecret: 's' })
    expect(app.register).type.not.toBeCallableWith(wxLogin, { appId: 'wx1', appSecret: 's', decoratorName: 'user' })
    expect(app.register(wxLogin, { appId: 'wx1', appSecret: 's' })).type.toRaiseError('@fastify/jwt also claims request.user: declare another decoratorName in WxLoginTypes')
    expect<WxLoginOptions['decoratorName']>().type.toBe<'@fastify/jwt also claims request.user: declare another decoratorName in WxLoginTypes and pass it here'>()
  })
})
