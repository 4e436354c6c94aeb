export { createWxLogin } from './create-wx-login.js'
export { AuthError, LoginError, NetworkError, WxLoginError } from './errors.js'
export type { WxLoginErrorDetails } from './errors.js'
export type {
  DownloadFileOptions, DownloadResponse, LoginResult, RequestOptions, ServerResponse,
  UploadFileOptions, UploadResponse, WxLike, WxLogin, WxLoginOptions, WxLoginUser, WxResponse
} from './types.js'
