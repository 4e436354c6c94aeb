import t from 'tap'
import { bootError as boot } from './fixtures/boot.js'
import { memoryStores } from '../src/index.js'

const stores = memoryStores()


t.test('apps, linkByUnionId, sessionKeyEncryptionKey, onPhoneNumber are checked at register', async t => {
  const apps = [{ appId: 'wxa', appSecret: 'a' }, { appId: 'wxb', appSecret: 'b' }]
  const cases: Array<[string, unknown, RegExp]> = [
    ['both forms', { appId: 'wxa', appSecret: 'a', apps, stores }, /either appId \+ appSecret or apps/],
    ['apps empty', { apps: [], stores }, /apps must be a non-empty array/],
    ['apps not an array', { apps: 'wxa', stores }, /apps must be a non-empty array/],
    ['apps entry without secret', { apps: [{ appId: 'wxa', appSecret: 'a' }, { appId: 'wxb' }], stores }, /apps\[1\]\.appSecret is required/],
    ['apps entry null', { apps: [null], stores }, /apps\[0\]\.appId is required/],
    ['apps duplicate', { apps: [apps[0], apps[0]], stores }, /apps lists an appId twice/],
    ['linkByUnionId not boolean', { apps, stores, linkByUnionId: 'yes' }, /linkByUnionId must be a boolean/],
    ['linkByUnionId with stores', { apps, stores, linkByUnionId: true }, /linkByUnionId links users in the built-in MySQL users table/],
    ['short key', { apps, stores, sessionKeyEncryptionKey: 'abcd' }, /sessionKeyEncryptionKey must be 32 bytes/],
    ['onPhoneNumber not a function', { apps, stores, onPhoneNumber: 1 }, /onPhoneNumber must be a function/]
  ]
  for (const [name, options, message] of cases) {
    t.match((await boot(options))?.message, message, name)
  }
  t.equal(await boot({ apps, stores, sessionKeyEncryptionKey: Buffer.alloc(32, 1) }), null, 'several apps with a key')
})
