import { MockInputError } from './errors.js'

/** The phone fields of getuserphonenumber's phone_info. */
export interface PhoneNumber {
  phoneNumber: string
  purePhoneNumber: string
  countryCode: string
}

/**
 * Reads '+86 13800138000', '+1 2025550123' or a bare '13800138000' (mainland China).
 * WeChat's phoneNumber carries the country code only for numbers outside mainland China.
 */
export function parsePhoneNumber (input: string): PhoneNumber {
  const match = /^(?:\+(\d{1,4})[ -])?(\d{5,15})$/.exec(input.trim())
  if (match === null) {
    throw new MockInputError(`phoneNumber must look like '+86 13800138000' or '13800138000', got '${input}'`)
  }
  const countryCode = match[1] ?? '86'
  const purePhoneNumber = match[2] as string
  return {
    phoneNumber: countryCode === '86' ? purePhoneNumber : `+${countryCode}${purePhoneNumber}`,
    purePhoneNumber,
    countryCode
  }
}
