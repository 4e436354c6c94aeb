// Prints the minified + gzipped size of the CommonJS build (what a mini program ships)
// and fails above the budget: the client must stay under 3 KB.
import { transform } from 'esbuild'
import { readFile } from 'node:fs/promises'
import { exit, stdout } from 'node:process'
import { URL } from 'node:url'
import { gzipSync } from 'node:zlib'

const BUDGET = 3000

const file = new URL('../miniprogram_dist/index.js', import.meta.url)
const source = await readFile(file, 'utf8')
const { code } = await transform(source, { minify: true, target: 'es2018', format: 'cjs' })
const gzipped = gzipSync(code, { level: 9 }).length
stdout.write(`miniprogram_dist/index.js: ${source.length} B, minified ${code.length} B, minified + gzipped ${gzipped} B (${(gzipped / 1024).toFixed(2)} KiB); budget ${BUDGET} B\n`)
if (gzipped > BUDGET) {
  stdout.write(`over budget by ${gzipped - BUDGET} B\n`)
  exit(1)
}
