export { createWx } from './create-wx.js'
export type { CreateWxOptions, NodeWx, WxApi } from './create-wx.js'
export type { WxStorage } from './storage.js'
export { DEFAULT_APP_BASE_INFO, DEFAULT_DEVICE_INFO, type OptionalWxApi } from './system-info.js'
