import { createWxLogin } from '@wx-login/client'
import { config } from '../config'
import { mockLoginWx } from './mock-login-wx'

/** The app's one login kit: every page shares its token and its single re-login. */
export const auth = createWxLogin({
  baseURL: config.baseURL,
  wx: config.mockUser === null ? wx : mockLoginWx(config.baseURL, config.mockUser),
  onError: (err) => console.warn('[wx-login]', err.name, err.message)
})
