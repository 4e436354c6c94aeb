import t from 'tap'
import { createWx } from '../src/wx/index.js'

const mockUrl = 'http://127.0.0.1:9'

t.test('sync storage: set, get, remove, clear; a missing key reads as ""', async (t) => {
  const wx = createWx({ mockUrl, user: 'alice' })
  t.equal(wx.getStorageSync('token'), '')
  wx.setStorageSync('token', 'abc')
  wx.setStorageSync('profile', { nickname: 'Alice', tags: ['a'] })
  t.equal(wx.getStorageSync('token'), 'abc')
  t.same(wx.getStorageSync('profile'), { nickname: 'Alice', tags: ['a'] })
  wx.removeStorageSync('token')
  t.equal(wx.getStorageSync('token'), '')
  wx.clearStorageSync()
  t.equal(wx.getStorageSync('profile'), '')
  t.throws(() => wx.setStorageSync('', 1), /setStorageSync:fail/)
})

t.test('stored values are copies, as wx serializes them', async (t) => {
  const wx = createWx({ mockUrl, user: 'alice' })
  const profile = { nickname: 'Alice' }
  wx.setStorageSync('profile', profile)
  profile.nickname = 'Mallory'
  const read = wx.getStorageSync<{ nickname: string }>('profile')
  t.equal(read.nickname, 'Alice')
  read.nickname = 'Eve'
  t.equal(wx.getStorageSync<{ nickname: string }>('profile').nickname, 'Alice')
})

t.test('async storage in promise form', async (t) => {
  const wx = createWx({ mockUrl, user: 'alice' })
  t.same(await wx.setStorage({ key: 'token', data: 'abc' }), { errMsg: 'setStorage:ok' })
  t.same(await wx.getStorage({ key: 'token' }), { data: 'abc', errMsg: 'getStorage:ok' })
  t.same(await wx.removeStorage({ key: 'token' }), { errMsg: 'removeStorage:ok' })
  t.same(await wx.getStorage({ key: 'token' }).catch((err: unknown) => err), { errMsg: 'getStorage:fail data not found' })
  t.match(await wx.setStorage({ key: '', data: 1 }).catch((err: unknown) => err), { errMsg: /^setStorage:fail/ })
  await wx.setStorage({ key: 'a', data: 1 })
  t.same(await wx.clearStorage(), { errMsg: 'clearStorage:ok' })
  t.equal(wx.storage.size, 0)
})

t.test('async storage in callback form', async (t) => {
  const wx = createWx({ mockUrl, user: 'alice' })
  const set = await new Promise((resolve) => { wx.setStorage({ key: 'token', data: 'abc', complete: resolve }) })
  t.same(set, { errMsg: 'setStorage:ok' })
  const got = await new Promise((resolve) => { wx.getStorage({ key: 'token', success: resolve }) })
  t.same(got, { data: 'abc', errMsg: 'getStorage:ok' })
  const missing = await new Promise((resolve) => { wx.getStorage({ key: 'nope', fail: resolve }) })
  t.same(missing, { errMsg: 'getStorage:fail data not found' })
  const completed = await new Promise((resolve) => { wx.getStorage({ key: 'nope', complete: resolve }) })
  t.same(completed, { errMsg: 'getStorage:fail data not found' }, 'complete gets the failure too')
  await new Promise((resolve) => { wx.removeStorage({ key: 'token', success: resolve }) })
  t.equal(wx.getStorageSync('token'), '')
  wx.setStorageSync('a', 1)
  await new Promise((resolve) => { wx.clearStorage({ success: resolve }) })
  t.equal(wx.getStorageSync('a'), '')
})

t.test('two runtimes over one storage map see the same data (an app restart)', async (t) => {
  const storage = new Map<string, unknown>()
  const before = createWx({ mockUrl, user: 'alice', storage })
  before.setStorageSync('token', 'abc')
  const after = createWx({ mockUrl, user: 'alice', storage })
  t.equal(after.getStorageSync('token'), 'abc')
  t.equal(after.storage, storage)
})
