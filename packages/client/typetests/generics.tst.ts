import { AuthError, createWxLogin, LoginError, NetworkError, refusalOf, WxLoginError, type LoginResult, type TokenRefusal, type WxLike, type WxLogin, type WxLoginOptions, type WxLoginUser, type WxResponse } from '@wx-login/client'
import type { WxUser } from '@wx-login/fastify'
import { describe, expect, test } from 'tstyche'

interface Member extends WxLoginUser { nickname: string }
const wx = {} as WxLike

describe('createWxLogin', () => {
  test('the user type defaults to the server\'s user', () => {
    const kit = createWxLogin({ baseURL: 'https://api.example.com', wx })
    expect(kit).type.toBe<WxLogin<WxLoginUser>>()
    expect(kit.login()).type.toBe<Promise<LoginResult<WxLoginUser>>>()
    expect<WxLoginUser>().type.toBeAssignableFrom<WxUser>()
    expect<WxUser>().type.toBeAssignableFrom<WxLoginUser>()
  })

  test('a user type of the application flows to login() and onLogin', () => {
    const kit = createWxLogin<Member>({
      baseURL: 'https://api.example.com',
      wx,
      onLogin: result => { expect(result.user.nickname).type.toBe<string>() }
    })
    expect(kit.login()).type.toBe<Promise<LoginResult<Member>>>()
  })

  test('the user type is inferred from onLogin', () => {
    const kit = createWxLogin({ baseURL: 'https://api.example.com', onLogin: (_result: LoginResult<Member>) => {} })
    expect(kit).type.toBe<WxLogin<Member>>()
  })

  test('request<T> types the answer\'s data', () => {
    const kit = createWxLogin({ baseURL: 'https://api.example.com' })
    expect(kit.request<{ orders: number[] }>({ url: '/api/orders' })).type.toBe<Promise<WxResponse<{ orders: number[] }>>>()
    expect(kit.request({ url: '/api/orders' })).type.toBe<Promise<WxResponse<unknown>>>()
    expect(kit.request).type.toBeCallableWith({ url: '/api/public', auth: false, method: 'POST', data: { a: 1 } })
    expect(kit.request).type.not.toBeCallableWith({ url: '/api', success: () => {} })
    expect(kit.request).type.not.toBeCallableWith({ url: '/api', header: { 'x-n': 1 } })
  })

  test('options', () => {
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({})
    expect<WxLoginOptions>().type.not.toBeAssignableFrom({ baseURL: 'https://api.example.com', timeout: '5s' })
    expect<WxLoginOptions>().type.toBeAssignableFrom({ baseURL: 'https://api.example.com', scheme: '', isAuthError: (res: { statusCode: number }) => res.statusCode === 403 })
    expect(createWxLogin).type.not.toBeCallableWith({ baseURL: 'https://api.example.com', wx: {} })
  })

  test('errors are one family', () => {
    expect(new LoginError('x')).type.toBeAssignableTo<WxLoginError>()
    expect(new AuthError('x')).type.toBeAssignableTo<WxLoginError>()
    expect(new NetworkError('x').errMsg).type.toBe<string | undefined>()
    expect(new WxLoginError('x', { statusCode: 401 }).code).type.toBe<string | undefined>()
  })
})

describe('refusalOf', () => {
  test('takes whatever an answer carried and gives a reason or undefined', () => {
    expect(refusalOf({} as unknown)).type.toBe<TokenRefusal | undefined>()
    expect(refusalOf).type.not.toBeCallableWith()
  })
})
