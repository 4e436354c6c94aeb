import type { LoginDevice, WxLike } from './types.js'

const FIELDS = ['platform', 'brand', 'model', 'system', 'version', 'SDKVersion'] as const

/**
 * The device, as the login posts it: wx.getDeviceInfo() + wx.getAppBaseInfo()
 * (base library 2.20.1+, when `canIUse` agrees), else wx.getSystemInfoSync().
 * Strings only, each cut to the 64 characters the server accepts; undefined
 * when nothing is known.
 */
export function readDevice (api: WxLike): LoginDevice | undefined {
  const device: Record<string, string> = {}
  let found
  try {
    const can = (name: 'getDeviceInfo' | 'getAppBaseInfo'): boolean => typeof api[name] === 'function' && (!api.canIUse || api.canIUse(name))
    const hasDevice = can('getDeviceInfo')
    const hasAppBase = can('getAppBaseInfo')
    const info = (hasDevice || hasAppBase
      ? { ...(hasDevice ? api.getDeviceInfo!() : {}), ...(hasAppBase ? api.getAppBaseInfo!() : {}) }
      : api.getSystemInfoSync ? api.getSystemInfoSync() : {}) as Record<string, unknown>
    for (const key of FIELDS) {
      const value = info[key]
      if (typeof value === 'string' && value) found = device[key] = value.slice(0, 64)
    }
  } catch {
    // A device API that throws costs the description, not the login.
  }
  return found ? device : undefined
}
