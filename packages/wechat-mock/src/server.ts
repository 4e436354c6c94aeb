import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance } from 'fastify'
import { checkApps, DEMO_APP, type MockApp } from './apps.js'
import { CallLog, redactUrl } from './calls.js'
import { createClock } from './clock.js'
import { createControl, type WechatMockControl } from './control.js'
import { FaultBook } from './faults.js'
import { controlRoutes } from './routes/control.js'
import { wechatApiRoutes } from './routes/wechat-api.js'
import { WechatState } from './state.js'

export interface WechatMockOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number
  /** Interface to listen on; default '127.0.0.1'. */
  host?: string
  /** Apps the mock knows; default [DEMO_APP]. */
  apps?: MockApp[]
  /** Base clock in ms; advanceTime() and POST /mock/clock move the mock's time forward from it. */
  now?: () => number
  /** Fastify's request log (to stdout, or to `stream`); credentials in URLs are masked. Default false. */
  logger?: boolean | { stream: { write(line: string): void } }
}

/** A Fastify instance serving the mock, with its controls as `wechat`. */
export type WechatMockServer = FastifyInstance & { wechat: WechatMockControl }

/** A running mock: its URL, its server and its controls. */
export interface WechatMock extends WechatMockControl {
  /** Base URL, e.g. http://127.0.0.1:41234; use it where code expects https://api.weixin.qq.com. */
  url: string
  server: FastifyInstance
  close(): Promise<void>
}

/** The mock as a Fastify instance, not listening: for app.inject() or to listen yourself. */
export function buildWechatMock (options: WechatMockOptions = {}): WechatMockServer {
  const apps = checkApps(options.apps ?? [DEMO_APP])
  const clock = createClock(options.now)
  const state = new WechatState(clock)
  const faults = new FaultBook()
  const calls = new CallLog()
  const control = createControl({ apps, clock, state, faults, calls })

  const app = Fastify({
    // A typo in a control call (say `errCode`) must fail loudly, not be stripped away.
    ajv: { customOptions: { removeAdditional: false } },
    logger: options.logger === undefined || options.logger === false
      ? false
      : {
          ...(options.logger === true ? {} : { stream: options.logger.stream }),
          serializers: { req: (request) => ({ method: request.method, url: redactUrl(request.url) }) }
        }
  })
  app.decorate('wechat', control)
  void app.register(wechatApiRoutes, { apps, clock, state, faults, calls })
  void app.register(controlRoutes, { control })
  return app as unknown as WechatMockServer
}

function urlHost (address: AddressInfo): string {
  return address.family === 'IPv6' ? `[${address.address}]` : address.address
}

/** Starts the mock on a real port and resolves once it accepts connections. */
export async function startWechatMock (options: WechatMockOptions = {}): Promise<WechatMock> {
  const server = buildWechatMock(options)
  await server.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' })
  const address = server.server.address() as AddressInfo
  return {
    ...server.wechat,
    url: `http://${urlHost(address)}:${address.port}`,
    server,
    close: () => server.close()
  }
}
