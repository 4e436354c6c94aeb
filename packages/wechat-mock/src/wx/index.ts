export { createWx } from './create-wx.js'
export type { CreateWxOptions, NodeWx, WxApi } from './create-wx.js'
export type { WxStorage } from './storage.js'
