// The CommonJS build WeChat DevTools' "build npm" copies (package.json `miniprogram` field):
// one file per entry point (the client; its messages, kept apart so the client stays small),
// ES2018, no imports left. The folder gets its own package.json so Node reads the
// .js files as CommonJS inside this `type: module` package, and a copy of the declarations
// so `require` consumers get CommonJS-flavoured types.
import { build } from 'esbuild'
import { cp, mkdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'miniprogram_dist')

await rm(out, { recursive: true, force: true })
await mkdir(out, { recursive: true })
await build({
  entryPoints: { index: join(root, 'src/index.ts'), messages: join(root, 'src/messages.ts') },
  outdir: out,
  bundle: true,
  format: 'cjs',
  platform: 'neutral',
  target: 'es2018',
  legalComments: 'none',
  logLevel: 'warning'
})
await writeFile(join(out, 'package.json'), JSON.stringify({ type: 'commonjs' }, null, 2) + '\n')
await cp(join(root, 'dist'), out, { recursive: true, filter: (src) => !src.endsWith('.js') })
