import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

export interface ServerProcess {
  url: string
  stop (): Promise<void>
}

/**
 * Starts bench/server.js as a child process with `env`; resolves with its URL.
 * BENCH_SERVER_NODE_ARGS adds Node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
 */
export async function startServerProcess (env: Record<string, string>): Promise<ServerProcess> {
  const script = fileURLToPath(new URL('./server.js', import.meta.url))
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(arg => arg !== '')
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', ...nodeArgs, script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const exited = once(child, 'exit').then(([code]) => { throw new Error(`bench server exited (${String(code)}) before listening`) })
  const [line] = await Promise.race([once(child.stdout!, 'data') as Promise<[Buffer]>, exited])
  exited.catch(() => {})
  return {
    url: line.toString().trim(),
    async stop () {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    }
  }
}
