import type { FastifyBaseLogger, FastifyError } from 'fastify'
import { errors } from '../errors.js'
import type { AccessTokens } from './access-token.js'
import type { WechatHttp } from './http.js'
import { errcodeOf, retryWhileBusy, type BusyRetry } from './retry.js'

/** The phone number as getuserphonenumber reports it. */
export interface WxPhoneNumber {
  /** With the country code for numbers outside mainland China, e.g. '+12025550123'; else '13800138000'. */
  phoneNumber: string
  /** Without the country code. */
  purePhoneNumber: string
  /** e.g. '86'. */
  countryCode: string
}

export interface PhoneNumberOptions extends BusyRetry {
  http: WechatHttp
  accessTokens: AccessTokens
  log: FastifyBaseLogger
}

/** getuserphonenumber's errcodes, mapped like login's; the code is the button's, so no 401 (that means "log in again"). */
const PHONE_ERRORS: Record<number, () => FastifyError> = {
  [-1]: () => new errors.WechatBusy(),
  40029: () => new errors.PhoneCodeInvalid(),
  45011: () => new errors.RateLimited(),
  40013: () => new errors.Config()
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== ''

/** Trades a `<button open-type="getPhoneNumber">` code for the user's phone number. */
export function createPhoneNumberLookup (options: PhoneNumberOptions) {
  const { http, accessTokens, log } = options

  return async function phoneNumber (identity: { appId: string, openid: string }, code: string): Promise<WxPhoneNumber> {
    const reply = await retryWhileBusy(() => accessTokens.call(identity.appId, accessToken =>
      http.post('/wxa/business/getuserphonenumber', { access_token: accessToken }, { code, openid: identity.openid })), options)
    const errcode = errcodeOf(reply)
    if (errcode !== 0) {
      const error = (PHONE_ERRORS[errcode] ?? (() => new errors.WechatError()))()
      if ((error.statusCode ?? 500) >= 500) log.error({ appId: identity.appId, errcode }, 'wx-login: getuserphonenumber failed')
      throw error
    }
    const info = reply.phone_info as Partial<WxPhoneNumber> & { watermark?: { appid?: unknown } } | undefined
    if (info === undefined || !isText(info.phoneNumber) || !isText(info.purePhoneNumber) || !isText(info.countryCode)) {
      throw new errors.WechatError()
    }
    // WeChat stamps the app the number was issued for; anything else is not ours to trust.
    if (info.watermark?.appid !== identity.appId) {
      log.error({ appId: identity.appId }, 'wx-login: getuserphonenumber answered for another app')
      throw new errors.WechatError()
    }
    return { phoneNumber: info.phoneNumber, purePhoneNumber: info.purePhoneNumber, countryCode: info.countryCode }
  }
}
