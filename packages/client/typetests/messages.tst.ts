import { SessionEndedError } from '@wx-login/client'
import { messageFor, type MessageLocale } from '@wx-login/client/messages'
import { describe, expect, test } from 'tstyche'

describe('messageFor', () => {
  test('takes anything a catch gives, and an optional locale; returns a string', () => {
    expect(messageFor(new SessionEndedError('x', 'banned'))).type.toBe<string>()
    expect(messageFor(null, 'en')).type.toBe<string>()
    expect(messageFor).type.toBeCallableWith({ statusCode: 429, data: {}, header: {} }, 'zh-CN')
    expect(messageFor).type.not.toBeCallableWith()
  })

  test('the locales are zh-CN and en only', () => {
    expect<MessageLocale>().type.toBe<'zh-CN' | 'en'>()
    expect(messageFor).type.not.toBeCallableWith(new Error('x'), 'zh')
    expect(messageFor).type.not.toBeCallableWith(new Error('x'), 'fr')
  })
})
