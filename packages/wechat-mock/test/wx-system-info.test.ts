import t from 'tap'
import { createWx, DEFAULT_APP_BASE_INFO, DEFAULT_DEVICE_INFO } from '../src/wx/index.js'

const mockUrl = 'http://127.0.0.1:9'

t.test('getDeviceInfo() and getAppBaseInfo() answer an iPhone on a current WeChat by default', async (t) => {
  const wx = createWx({ mockUrl, user: 'alice' })
  t.same(wx.getDeviceInfo(), DEFAULT_DEVICE_INFO)
  t.same(wx.getAppBaseInfo(), DEFAULT_APP_BASE_INFO)
  t.match(wx.getDeviceInfo(), { platform: 'ios', brand: 'iPhone', model: /iPhone/, system: /^iOS / })
  t.match(wx.getAppBaseInfo(), { SDKVersion: /^\d+\.\d+\.\d+$/, version: /^\d+\.\d+\.\d+$/ })
})

t.test('deviceInfo and appBaseInfo set fields over the defaults; answers are copies', async (t) => {
  const wx = createWx({ mockUrl, user: 'alice', deviceInfo: { platform: 'android', brand: 'HUAWEI', model: 'unknown' }, appBaseInfo: { SDKVersion: '2.19.0' } })
  t.match(wx.getDeviceInfo(), { platform: 'android', brand: 'HUAWEI', model: 'unknown', system: DEFAULT_DEVICE_INFO.system })
  t.equal(wx.getAppBaseInfo().SDKVersion, '2.19.0')
  wx.getDeviceInfo().brand = 'changed'
  t.equal(wx.getDeviceInfo().brand, 'HUAWEI')
})

t.test('getSystemInfoSync() answers both sets of fields', async (t) => {
  const wx = createWx({ mockUrl, user: 'alice', deviceInfo: { model: 'MI 9' }, appBaseInfo: { version: '7.0.20' } })
  t.match(wx.getSystemInfoSync(), { model: 'MI 9', version: '7.0.20', platform: 'ios', SDKVersion: DEFAULT_APP_BASE_INFO.SDKVersion })
})

t.test('canIUse() says whether the API named first is there', async (t) => {
  const wx = createWx({ mockUrl, user: 'alice' })
  t.equal(wx.canIUse('getDeviceInfo'), true)
  t.equal(wx.canIUse('getSystemInfoSync.return.safeArea.left'), true)
  t.equal(wx.canIUse('request'), true)
  t.equal(wx.canIUse('openBluetoothAdapter'), false, 'not simulated')
  t.equal(wx.canIUse('button.open-type.contact'), false, 'components are not simulated')
  t.equal(wx.canIUse(undefined as unknown as string), false)
})

t.test('missing leaves APIs out, as an older base library does', async (t) => {
  const old = createWx({ mockUrl, user: 'alice', missing: ['getDeviceInfo', 'getAppBaseInfo'] })
  t.equal('getDeviceInfo' in old, false)
  t.equal('getAppBaseInfo' in old, false)
  t.equal(old.canIUse('getDeviceInfo'), false)
  t.equal(old.canIUse('getAppBaseInfo'), false)
  t.equal(old.canIUse('getSystemInfoSync'), true)
  t.equal(old.getSystemInfoSync().brand, DEFAULT_DEVICE_INFO.brand)
  const bare = createWx({ mockUrl, user: 'alice', missing: ['checkSession', 'getSystemInfoSync'] })
  t.equal(typeof bare.checkSession, 'undefined')
  t.equal(bare.canIUse('checkSession'), false)
  t.throws(() => createWx({ mockUrl, user: 'alice', missing: ['login' as 'checkSession'] }), { name: 'TypeError', message: /missing may name/ })
})
