import { readConfig } from './config.js'
import { startDev } from './dev-runner.js'
import { closeOnSignals } from './shutdown.js'

try {
  const dev = await startDev(readConfig(process.env, { host: 'localhost', logLevel: 'warn' }))
  closeOnSignals(() => dev.close())
} catch (err) {
  console.error(`\npnpm dev could not start: ${(err as Error).message}`)
  process.exit(1)
}
