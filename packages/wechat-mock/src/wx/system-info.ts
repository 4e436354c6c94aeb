/**
 * What the device APIs answer: wx.getDeviceInfo(), wx.getAppBaseInfo() (base
 * library 2.20.1+) and the older wx.getSystemInfoSync(), which returns both
 * sets of fields in one object.
 */

/** An iPhone on a current WeChat, unless the runtime is told otherwise. */
export const DEFAULT_DEVICE_INFO: WechatMiniprogram.DeviceInfo = {
  abi: 'arm64',
  benchmarkLevel: 1,
  brand: 'iPhone',
  cpuType: 'unknown',
  deviceAbi: 'arm64',
  memorySize: '8192',
  model: 'iPhone 15 Pro<iPhone16,1>',
  platform: 'ios',
  system: 'iOS 17.5.1'
}

export const DEFAULT_APP_BASE_INFO: WechatMiniprogram.AppBaseInfo = {
  PCKernelVersion: '',
  SDKVersion: '3.5.8',
  enableDebug: false,
  fontSizeScaleFactor: 1,
  fontSizeSetting: 16,
  host: { appId: '' },
  language: 'zh_CN',
  version: '8.0.50'
}

/** The wx APIs a runtime can leave out, as an older base library or WeChat does. */
export const OPTIONAL_APIS: readonly string[] = ['getDeviceInfo', 'getAppBaseInfo', 'getSystemInfoSync', 'checkSession']
export type OptionalWxApi = 'getDeviceInfo' | 'getAppBaseInfo' | 'getSystemInfoSync' | 'checkSession'

export interface SystemInfoApi {
  getDeviceInfo(): WechatMiniprogram.DeviceInfo
  getAppBaseInfo(): WechatMiniprogram.AppBaseInfo
  getSystemInfoSync(): WechatMiniprogram.SystemInfo
}

/** The three device APIs over fixed values (copied out, so a caller cannot change them). */
export function createSystemInfoApi (deviceInfo: WechatMiniprogram.DeviceInfo, appBaseInfo: WechatMiniprogram.AppBaseInfo): SystemInfoApi {
  return {
    getDeviceInfo: () => structuredClone(deviceInfo),
    getAppBaseInfo: () => structuredClone(appBaseInfo),
    // The old API's answer: both sets of fields (the screen and window fields are not simulated).
    getSystemInfoSync: () => structuredClone({ ...deviceInfo, ...appBaseInfo }) as unknown as WechatMiniprogram.SystemInfo
  }
}
