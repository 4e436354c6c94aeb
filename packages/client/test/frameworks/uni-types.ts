// Type-checked by `check-types` (never run): uni-app's global `uni`, as
// @dcloudio/types declares it, is accepted as the client's `wx` without a cast.
/// <reference types="@dcloudio/types" />
import { createWxLogin, type WxLike, type WxLogin } from '../../src/index.js'

export const auth: WxLogin = createWxLogin({ baseURL: 'https://api.example.com', wx: uni })
export const transport: WxLike = uni
