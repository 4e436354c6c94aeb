// Response schemas are an allow-list: fast-json-stringify drops every field
// not named here, so session_key can never reach a client.

export const userSchema = {
  type: 'object',
  required: ['id', 'appId', 'openid', 'unionid'],
  properties: {
    id: { type: ['integer', 'string'] },
    appId: { type: 'string' },
    openid: { type: 'string' },
    unionid: { type: ['string', 'null'] }
  },
  additionalProperties: false
} as const

export const errorSchema = {
  type: 'object',
  required: ['statusCode', 'code', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string' },
    error: { type: 'string' },
    message: { type: 'string' },
    /** FST_WX_LOGIN_BANNED: when the ban ends. */
    until: { type: 'string', format: 'date-time' }
  }
} as const

const errorResponses = { '4xx': errorSchema, '5xx': errorSchema }

export const loginSchema = {
  body: {
    type: 'object',
    required: ['code'],
    properties: {
      // WeChat codes are short printable ASCII; reject anything else before calling WeChat.
      code: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7E]+$' },
      // Required when the server serves several mini programs (checked by the login).
      appid: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7E]+$' }
    }
  },
  response: {
    200: {
      type: 'object',
      required: ['token', 'expiresAt', 'user', 'isNewUser'],
      properties: {
        token: { type: 'string' },
        expiresAt: { type: 'string', format: 'date-time' },
        user: userSchema,
        isNewUser: { type: 'boolean' }
      },
      additionalProperties: false
    },
    ...errorResponses
  }
} as const

export const sessionSchema = {
  response: {
    200: {
      type: 'object',
      required: ['user', 'expiresAt'],
      properties: {
        user: userSchema,
        expiresAt: { type: 'string', format: 'date-time' }
      },
      additionalProperties: false
    },
    ...errorResponses
  }
} as const

export const logoutSchema = {
  response: {
    204: { type: 'null' },
    ...errorResponses
  }
} as const

export const phoneNumberSchema = {
  type: 'object',
  required: ['phoneNumber', 'purePhoneNumber', 'countryCode'],
  properties: {
    phoneNumber: { type: 'string' },
    purePhoneNumber: { type: 'string' },
    countryCode: { type: 'string' }
  },
  additionalProperties: false
} as const

export const phoneSchema = {
  body: {
    type: 'object',
    required: ['code'],
    properties: {
      // The code of a <button open-type="getPhoneNumber">: printable ASCII, single use.
      code: { type: 'string', minLength: 1, maxLength: 128, pattern: '^[\\x21-\\x7E]+$' }
    }
  },
  response: {
    200: phoneNumberSchema,
    ...errorResponses
  }
} as const
