// Type-checked by `check-types` (never run): Taro, as its own declarations
// (@tarojs/taro) describe it, is accepted as the client's `wx` without a cast.
import Taro from '@tarojs/taro'
import { createWxLogin, type WxLike, type WxLogin } from '../../src/index.js'

export const auth: WxLogin = createWxLogin({ baseURL: 'https://api.example.com', wx: Taro })
export const transport: WxLike = Taro
