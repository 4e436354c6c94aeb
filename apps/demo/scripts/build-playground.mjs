// Bundles the playground (with the real @wx-login/client) into playground/dist/playground.js.
import { build } from 'esbuild'
import { join } from 'node:path'

const playground = join(import.meta.dirname, '..', 'playground')

await build({
  entryPoints: [join(playground, 'src', 'main.ts')],
  outfile: join(playground, 'dist', 'playground.js'),
  bundle: true,
  format: 'esm',
  target: 'es2020',
  platform: 'browser',
  sourcemap: true,
  logLevel: 'warning'
})
