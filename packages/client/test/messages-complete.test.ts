import { errors } from '@wx-login/fastify'
import t from 'tap'
import { messageFor, type MessageLocale } from '../src/messages.js'
import { en } from '../src/messages/en.js'
import { zhCN } from '../src/messages/zh-CN.js'

// The codes the server plugin answers with, from its own exports: a code added there without a text
// here fails this test.
const serverCodes = Object.values(errors).map((ServerError) => new ServerError().code).sort()
const tables: Record<MessageLocale, Record<string, string>> = { 'zh-CN': zhCN, en }

t.test('the server’s list is what it looks like', async (t) => {
  t.ok(serverCodes.length >= 36)
  t.ok(serverCodes.every((code) => /^FST_WX_LOGIN_[A-Z_]+$/.test(code)))
  t.ok(serverCodes.includes('FST_WX_LOGIN_BANNED'), 'the one with its own class')
})

for (const [locale, table] of Object.entries(tables) as Array<[MessageLocale, Record<string, string>]>) {
  t.test(`${locale}: every server code has a text of its own`, async (t) => {
    const generic = messageFor(null, locale)
    for (const code of serverCodes) {
      t.ok(Object.prototype.hasOwnProperty.call(table, code) && table[code]!.trim() !== '', `${code} has a text`)
      const shown = messageFor({ code }, locale)
      t.not(shown, generic, `${code} is not the generic text`)
      t.notMatch(shown, /[{}]/, `${code}: no placeholder left`)
    }
  })

  t.test(`${locale}: no text for a code the server does not have (a typo, a renamed code)`, async (t) => {
    t.same(Object.keys(table).filter((key) => key.startsWith('FST_WX_LOGIN_')).sort(), serverCodes)
  })
}

t.test('the two languages have the same keys and are different languages', async (t) => {
  t.same(Object.keys(en).sort(), Object.keys(zhCN).sort())
  for (const key of Object.keys(zhCN) as Array<keyof typeof zhCN>) {
    t.match(zhCN[key], /[\u4e00-\u9fff]/, `${key}: Chinese`)
    t.notMatch(en[key], /[\u4e00-\u9fff]/, `${key}: no Chinese in English`)
  }
})
