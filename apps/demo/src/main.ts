import { readConfig, startTarget, topologyOf } from './config.js'
import { buildDemoServer } from './server.js'
import { closeOnSignals } from './shutdown.js'

// `pnpm start`: MySQL and Redis are required here, no in-memory fallback.
const config = readConfig(process.env, { host: '0.0.0.0', logLevel: 'info' })
const target = startTarget(config, process.env)
const app = await buildDemoServer({
  appId: target.appId,
  appSecret: target.appSecret,
  apiBase: target.apiBase,
  mockUrl: target.mockUrl,
  backend: { kind: 'services', mysqlUrl: config.mysqlUrl, redisUrl: config.redisUrl, ...topologyOf(config) },
  logger: { level: config.logLevel },
  sessions: config.sessions
})
await app.listen({ port: config.port, host: config.host })
closeOnSignals(() => app.close())
