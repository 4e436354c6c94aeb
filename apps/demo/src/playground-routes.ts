import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync } from 'fastify'
import { fileURLToPath } from 'node:url'

export interface PlaygroundOptions {
  /** The WeChat mock the playground mints codes from; null when the server talks to real WeChat. */
  mockUrl: string | null
  /** The app the codes are minted for. */
  appId: string
}

/** apps/demo/playground, from src/ (tests) and from dist/ alike. */
export const PLAYGROUND_DIR = fileURLToPath(new URL('../playground/', import.meta.url))

// Only the page and its built bundle are served, not the TypeScript sources.
const SERVED = /^\/(index\.html|style\.css|dist\/[\w.-]+\.js(\.map)?)?$/

const callSchema = {
  type: 'object',
  properties: {
    at: { type: 'number' },
    method: { type: 'string' },
    path: { type: 'string' },
    query: { type: 'object', additionalProperties: true },
    body: {},
    errcode: { type: ['integer', 'null'] },
    status: { type: ['integer', 'null'] }
  }
} as const

/**
 * The browser playground and what it needs from the WeChat mock, proxied so
 * the page talks to one origin: minting a code (what wx.login() does in a
 * real mini program), a phone code (what the getPhoneNumber button does) and the list of calls the server made to "WeChat".
 */
export const playgroundRoutes: FastifyPluginAsync<PlaygroundOptions> = async (app, { mockUrl, appId }) => {
  await app.register(fastifyStatic, {
    root: PLAYGROUND_DIR,
    prefix: '/playground/',
    allowedPath: (pathName) => SERVED.test(pathName)
  })

  app.get('/', async (_request, reply) => reply.redirect('/playground/'))
  app.get('/playground', async (_request, reply) => reply.redirect('/playground/', 301))

  async function fromMock (path: string, init?: RequestInit): Promise<{ status: number, body: unknown }> {
    if (mockUrl === null) {
      return { status: 404, body: { statusCode: 404, error: 'Not Found', message: 'This server talks to real WeChat (WX_APPID is set): the playground needs the WeChat mock. Unset WX_APPID and WX_SECRET.' } }
    }
    try {
      const res = await fetch(mockUrl + path, { ...init, signal: AbortSignal.timeout(5000) })
      return { status: res.ok ? 200 : 502, body: await res.json() }
    } catch (err) {
      app.log.warn({ err: { message: (err as Error).message } }, 'demo: the WeChat mock did not answer')
      return { status: 502, body: { statusCode: 502, error: 'Bad Gateway', message: 'The WeChat mock did not answer' } }
    }
  }

  app.post<{ Body: { user: string } }>('/playground/mock/login', {
    schema: {
      body: {
        type: 'object',
        required: ['user'],
        additionalProperties: false,
        properties: { user: { type: 'string', minLength: 1, maxLength: 64 } }
      }
    }
  }, async (request, reply) => {
    const { status, body } = await fromMock('/mock/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: request.body.user, appid: appId })
    })
    return reply.code(status).send(body)
  })

  // What <button open-type="getPhoneNumber"> gives a mini program: a one-time phone code.
  app.post<{ Body: { user: string, phoneNumber: string } }>('/playground/mock/phone-code', {
    schema: {
      body: {
        type: 'object',
        required: ['user', 'phoneNumber'],
        additionalProperties: false,
        properties: {
          user: { type: 'string', minLength: 1, maxLength: 64 },
          phoneNumber: { type: 'string', minLength: 3, maxLength: 32, pattern: '^\\+?[0-9 -]+$' }
        }
      }
    }
  }, async (request, reply) => {
    const { status, body } = await fromMock('/mock/phone-code', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: request.body.user, phoneNumber: request.body.phoneNumber, appid: appId })
    })
    return reply.code(status).send(body)
  })

  app.get<{ Querystring: { after?: number } }>('/api/demo/calls', {
    // The playground polls this: keep it out of the request log.
    logLevel: 'warn',
    schema: {
      querystring: { type: 'object', properties: { after: { type: 'integer', minimum: 0 } } },
      response: {
        200: {
          type: 'object',
          properties: { total: { type: 'integer' }, calls: { type: 'array', items: callSchema } }
        }
      }
    }
  }, async (request, reply) => {
    const { status, body } = await fromMock('/mock/calls')
    if (status !== 200) return reply.code(status).send(body)
    const calls = (body as { calls: unknown[] }).calls
    return { total: calls.length, calls: calls.slice(request.query.after ?? 0) }
  })
}
