// Prints the minified + gzipped size of each CommonJS entry (what a mini program ships) and fails
// above its budget: the client must stay under 3 KB; its messages are a separate entry, so that
// apps that do not show them do not pay for both languages' tables.
import { transform } from 'esbuild'
import { readFile } from 'node:fs/promises'
import { exit, stdout } from 'node:process'
import { URL } from 'node:url'
import { gzipSync } from 'node:zlib'

const BUDGETS = { 'index.js': 3000, 'messages.js': 4000 }

let over = false
for (const [name, budget] of Object.entries(BUDGETS)) {
  const source = await readFile(new URL(`../miniprogram_dist/${name}`, import.meta.url), 'utf8')
  const { code } = await transform(source, { minify: true, target: 'es2018', format: 'cjs' })
  const gzipped = gzipSync(code, { level: 9 }).length
  stdout.write(`miniprogram_dist/${name}: ${source.length} B, minified ${code.length} B, minified + gzipped ${gzipped} B (${(gzipped / 1024).toFixed(2)} KiB); budget ${budget} B\n`)
  if (gzipped > budget) {
    stdout.write(`over budget by ${gzipped - budget} B\n`)
    over = true
  }
}
if (over) exit(1)
