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

const deviceField = { type: 'string', maxLength: 64 } as const

const DEVICE_FIELDS = ['platform', 'brand', 'model', 'system', 'version', 'SDKVersion'] as const

/**
 * What wx.getDeviceInfo() / wx.getAppBaseInfo() tell the client; bounded.
 * Unknown fields are refused (propertyNames), not silently dropped as
 * Fastify's Ajv does with additionalProperties: false.
 */
export const deviceSchema = {
  type: 'object',
  properties: Object.fromEntries(DEVICE_FIELDS.map(name => [name, deviceField])) as Record<typeof DEVICE_FIELDS[number], typeof deviceField>,
  propertyNames: { enum: DEVICE_FIELDS },
  maxProperties: DEVICE_FIELDS.length
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
      appid: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[\\x21-\\x7E]+$' },
      device: deviceSchema
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

export const listSessionsSchema = {
  response: {
    200: {
      type: 'object',
      required: ['sessions'],
      properties: {
        sessions: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'device', 'ip', 'createdAt', 'lastSeenAt', 'current'],
            properties: {
              id: { type: 'string' },
              device: { anyOf: [deviceSchema, { type: 'null' }] },
              ip: { type: ['string', 'null'] },
              createdAt: { type: 'string', format: 'date-time' },
              lastSeenAt: { type: 'string', format: 'date-time' },
              current: { type: 'boolean' }
            },
            additionalProperties: false
          }
        }
      },
      additionalProperties: false
    },
    ...errorResponses
  }
} as const

export const endSessionSchema = {
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } }
  },
  response: {
    204: { type: 'null' },
    ...errorResponses
  }
} as const

export const refreshSchema = {
  response: {
    200: {
      type: 'object',
      required: ['token', 'expiresAt'],
      properties: {
        token: { type: 'string' },
        expiresAt: { type: 'string', format: 'date-time' }
      },
      additionalProperties: false
    },
    ...errorResponses
  }
} as const
