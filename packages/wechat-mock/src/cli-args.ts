import { parseArgs } from 'node:util'
import type { MockApp } from './apps.js'
import { MockInputError } from './errors.js'

export const USAGE = `Usage: wechat-mock [--port 3100] [--host 127.0.0.1] [--app APPID:SECRET[:UNIONGROUP]]...

A mock of api.weixin.qq.com for tests and demos.

  --port, -p   port to listen on (default 3100; 0 picks a free port)
  --host       interface to listen on (default 127.0.0.1)
  --app        an app the mock serves, repeatable; apps with the same UNIONGROUP
               share unionids. Default: the demo app.
  --help, -h   show this help
`

export interface CliOptions {
  help: boolean
  port: number
  host: string
  apps: MockApp[] | undefined
}

function parseApp (spec: string): MockApp {
  const [appId, appSecret, unionGroup, ...rest] = spec.split(':')
  if (appId === undefined || appId === '' || appSecret === undefined || appSecret === '' || unionGroup === '' || rest.length > 0) {
    throw new MockInputError(`--app must be APPID:SECRET or APPID:SECRET:UNIONGROUP, got '${spec}'`)
  }
  return unionGroup === undefined ? { appId, appSecret } : { appId, appSecret, unionGroup }
}

/** Reads the command line; throws on anything it does not understand rather than guessing. */
export function parseCliArgs (argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string', short: 'p', default: '3100' },
      host: { type: 'string', default: '127.0.0.1' },
      app: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  const port = Number(values.port)
  if (!/^\d+$/.test(values.port) || port > 65535) throw new MockInputError(`--port must be 0-65535, got '${values.port}'`)
  return { help: values.help, port, host: values.host, apps: values.app?.map(parseApp) }
}
