import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

export interface ServerProcess {
  url: string
  stop (): Promise<void>
}

/** Starts bench/server.js as a child process with `env`; resolves with its URL. */
export async function startServerProcess (env: Record<string, string>): Promise<ServerProcess> {
  const script = fileURLToPath(new URL('./server.js', import.meta.url))
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const [line] = await once(child.stdout!, 'data') as [Buffer]
  return {
    url: line.toString().trim(),
    async stop () {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  }
}
