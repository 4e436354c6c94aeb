#!/usr/bin/env node
import { realpathSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseCliArgs, USAGE } from './cli-args.js'
import { startWechatMock, type WechatMock } from './server.js'

/** Where the CLI writes and which signals stop it; injectable so tests run it in-process. */
export interface CliIo {
  out: (line: string) => void
  err: (line: string) => void
  signals: Pick<NodeJS.EventEmitter, 'once' | 'off'>
}

export interface CliResult {
  exitCode: number
  /** The running mock, when the CLI started one. */
  mock?: WechatMock
  /** Settles once a SIGINT/SIGTERM has closed the mock. */
  stopped?: Promise<void>
}

const processIo: CliIo = {
  out: (line) => { process.stdout.write(line + '\n') },
  err: (line) => { process.stderr.write(line + '\n') },
  signals: process
}

export async function main (argv: string[], io: CliIo = processIo): Promise<CliResult> {
  let options
  try {
    options = parseCliArgs(argv)
  } catch (error) {
    io.err(`wechat-mock: ${(error as Error).message}\n\n${USAGE}`)
    return { exitCode: 2 }
  }
  if (options.help) {
    io.out(USAGE)
    return { exitCode: 0 }
  }
  const mock = await startWechatMock({ port: options.port, host: options.host, apps: options.apps })
  io.out(`wechat-mock listening on ${mock.url}`)
  // Printing secrets is fine here and only here: these are mock apps, never real credentials.
  io.out('Mock apps (not real WeChat credentials):')
  for (const app of mock.apps) {
    io.out(`  appid ${app.appId}  secret ${app.appSecret}${app.unionGroup === undefined ? '' : `  unionGroup ${app.unionGroup}`}`)
  }
  io.out(`Get a login code: curl -X POST ${mock.url}/mock/login -H 'content-type: application/json' -d '{"user":"alice"}'`)
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      io.signals.off('SIGINT', stop)
      io.signals.off('SIGTERM', stop)
      void mock.close().then(() => {
        io.out('wechat-mock closed')
        resolve()
      })
    }
    io.signals.once('SIGINT', stop)
    io.signals.once('SIGTERM', stop)
  })
  return { exitCode: 0, mock, stopped }
}

function isEntryPoint (): boolean {
  const entry = process.argv[1]
  // The bin is reached through node_modules/.bin symlinks: compare real paths.
  return entry !== undefined && realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url))
}

if (isEntryPoint()) {
  const result = await main(process.argv.slice(2))
  if (result.mock === undefined) process.exitCode = result.exitCode
}
