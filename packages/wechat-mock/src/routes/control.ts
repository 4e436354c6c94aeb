import type { FastifyPluginAsync } from 'fastify'
import type { WechatMockControl } from '../control.js'
import type { MockFault } from '../faults.js'

const user = { type: 'string', minLength: 1 } as const
const appid = { type: 'string', minLength: 1 } as const

/** The /mock/ control API: plays the mini-program side (codes, encrypted data) and directs tests (faults, calls, clock). */
export const controlRoutes: FastifyPluginAsync<{ control: WechatMockControl }> = async (app, { control }) => {
  app.post<{ Body: { user: string, appid?: string } }>('/mock/login', {
    schema: { body: { type: 'object', required: ['user'], additionalProperties: false, properties: { user, appid } } }
  }, async (request) => ({ code: control.mintCode(request.body.user, request.body.appid) }))

  app.post<{ Body: { user: string, appid?: string, phoneNumber: string } }>('/mock/phone-code', {
    schema: { body: { type: 'object', required: ['user', 'phoneNumber'], additionalProperties: false, properties: { user, appid, phoneNumber: { type: 'string' } } } }
  }, async (request) => ({ code: control.mintPhoneCode(request.body.user, request.body.phoneNumber, request.body.appid) }))

  app.post<{ Body: { user: string, appid?: string, data: object } }>('/mock/encrypted-data', {
    schema: { body: { type: 'object', required: ['user', 'data'], additionalProperties: false, properties: { user, appid, data: { type: 'object' } } } }
  }, async (request) => control.encryptedData(request.body.user, request.body.data, request.body.appid))

  app.post<{ Body: MockFault }>('/mock/faults', {
    schema: {
      body: {
        type: 'object',
        required: ['path'],
        additionalProperties: false,
        properties: {
          path: { type: 'string' },
          errcode: { type: 'integer' },
          errmsg: { type: 'string' },
          status: { type: 'integer' },
          delayMs: { type: 'number' },
          drop: { type: 'boolean' },
          times: { type: 'integer' }
        }
      }
    }
  }, async (request) => {
    control.addFault(request.body)
    return { ok: true }
  })

  app.get('/mock/faults', async () => ({ faults: control.pendingFaults() }))

  app.delete('/mock/faults', async () => {
    control.clearFaults()
    return { ok: true }
  })

  app.get<{ Querystring: { path?: string } }>('/mock/calls', {
    schema: { querystring: { type: 'object', properties: { path: { type: 'string' } } } }
  }, async (request) => ({ calls: control.calls(request.query.path) }))

  app.delete('/mock/calls', async () => {
    control.clearCalls()
    return { ok: true }
  })

  app.get('/mock/clock', async () => ({ now: control.now() }))

  app.post<{ Body: { advanceMs: number } }>('/mock/clock', {
    schema: { body: { type: 'object', required: ['advanceMs'], additionalProperties: false, properties: { advanceMs: { type: 'number', minimum: 0 } } } }
  }, async (request) => {
    control.advanceTime(request.body.advanceMs)
    return { now: control.now() }
  })
}
