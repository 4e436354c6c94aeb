export { createWxLogin } from './create-wx-login.js'
export { AuthError, LoginError, NetworkError, SessionEndedError, WxLoginError } from './errors.js'
export { refusalOf } from './server-answer.js'
export type { WxLoginErrorDetails } from './errors.js'
export type {
  DownloadFileOptions, DownloadResponse, LoginDevice, LoginResult, RequestOptions, ServerResponse, SessionInfo,
  TokenRefusal, UploadFileOptions, UploadResponse, WxLike, WxLogin, WxLoginOptions, WxLoginUser, WxResponse
} from './types.js'
