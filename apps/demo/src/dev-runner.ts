import { startWechatMock, type WechatMock } from '@wx-login/wechat-mock'
import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { displayUrl, MOCK_APP, topologyOf, type DemoConfig } from './config.js'
import { describeRedis } from './redis-topology.js'
import { buildDemoServer } from './server.js'
import { detectBackend, type Backend } from './services.js'

export interface DevServer {
  /** The demo server's base URL, e.g. http://localhost:3000 */
  url: string
  /** The WeChat mock's URL, null when running against real WeChat. */
  mockUrl: string | null
  appId: string
  backend: Backend
  app: FastifyInstance
  /** Closes the demo server, then the mock. */
  close(): Promise<void>
}

export interface DevOptions {
  /** Where the banner and warnings go. Default console.log. */
  print?: (line: string) => void
  /** How long each of MySQL and Redis gets to answer. Default 1500 ms. */
  probeTimeout?: number
  /** The plugin's Redis key prefix (tests use their own). */
  redisPrefix?: string
}

function baseUrl (app: FastifyInstance, host: string): string {
  const { port } = app.server.address() as AddressInfo
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  return `http://${shown}:${port}`
}

function warningBox (problems: string[]): string[] {
  return [
    '',
    '!'.repeat(78),
    '!! WARNING: running on IN-MEMORY stores. Users and tokens vanish on restart.',
    ...problems.map(problem => `!! ${problem.replaceAll('\n', '\n!! ')}`),
    '!! Start the missing service and restart `pnpm dev` to use MySQL and Redis.',
    '!'.repeat(78),
    ''
  ]
}

/**
 * What `pnpm dev` runs: the WeChat mock (unless WX_APPID is set), MySQL and
 * Redis when they answer (else the in-memory stores, loudly), the demo server.
 */
export async function startDev (config: DemoConfig, options: DevOptions = {}): Promise<DevServer> {
  const print = options.print ?? console.log
  let mock: WechatMock | null = null
  if (config.wechat === null) {
    try {
      mock = await startWechatMock({ port: config.mockPort, host: '127.0.0.1' })
    } catch (err) {
      if ((err as { code?: string }).code === 'EADDRINUSE') throw new Error(`Port ${config.mockPort} is taken: stop what uses it, or set MOCK_PORT to another port.`, { cause: err })
      throw err
    }
  }
  const wechat = config.wechat ?? { ...MOCK_APP, apiBase: mock!.url }

  let app: FastifyInstance | undefined
  try {
    const backend = await detectBackend({ mysqlUrl: config.mysqlUrl, redisUrl: config.redisUrl, ...topologyOf(config) }, options.probeTimeout)
    if (backend.kind === 'memory') for (const line of warningBox(backend.problems)) print(line)
    app = await buildDemoServer({
      appId: wechat.appId,
      appSecret: wechat.appSecret,
      apiBase: wechat.apiBase,
      mockUrl: mock?.url ?? null,
      backend,
      redisPrefix: options.redisPrefix,
      logger: { level: config.logLevel },
      sessions: config.sessions
    })
    try {
      await app.listen({ port: config.port, host: config.host })
    } catch (err) {
      if ((err as { code?: string }).code === 'EADDRINUSE') throw new Error(`Port ${config.port} is taken: stop what uses it, or set PORT to another port.`, { cause: err })
      throw err
    }
    const url = baseUrl(app, config.host)
    print('')
    print('wx-login demo is running')
    print(`  Playground   ${url}/playground/`)
    print(`  API          ${url}/api/ping  (login: POST ${url}/auth/wechat/login)`)
    if (mock !== null) {
      print(`  WeChat mock  ${mock.url}  (mint a code: POST ${mock.url}/mock/login {"user":"alice"})`)
      print(`  App ID       ${wechat.appId}  (the mock's demo app)`)
    } else {
      print(`  WeChat       ${wechat.apiBase ?? 'https://api.weixin.qq.com'}  (App ID ${wechat.appId})`)
    }
    print(backend.kind === 'services'
      ? `  Stores       MySQL ${displayUrl(config.mysqlUrl)} + Redis ${describeRedis(config.redis, displayUrl)}`
      : '  Stores       IN MEMORY (see the warning above)')
    print('  Ctrl-C stops everything.')
    print('')

    const server = app
    return {
      url,
      mockUrl: mock?.url ?? null,
      appId: wechat.appId,
      backend,
      app: server,
      async close () {
        await server.close()
        await mock?.close()
      }
    }
  } catch (err) {
    await app?.close()
    await mock?.close()
    throw err
  }
}
