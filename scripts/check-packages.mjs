#!/usr/bin/env node
// Checks every published package as users would get it: packs it with
// `pnpm pack` (which rewrites workspace: ranges) and checks the tarball with
// publint and @arethetypeswrong/cli, then checks what those two do not: the
// packed manifest, LICENSE, no source maps, and that each entry point loads
// with both import and require. Runs offline. Needs a build first.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = name => join(root, 'node_modules', '.bin', name)
// ESM-only packages are checked for ESM consumers and require(esm) (Node 20.19+,
// 22.12+): attw's esm-only profile skips node10 and TypeScript's node16-from-CJS
// resolution, which predates require(esm). The client ships its own CommonJS build.
const ATTW_PROFILE = { '@wx-login/client': 'strict' }
const DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies']

const published = readdirSync(join(root, 'packages'))
  .map(dir => ({ dir: join(root, 'packages', dir), manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true)

function run (command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options })
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`.trim() }
}

function listFiles (dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => relative(dir, join(entry.parentPath, entry.name)))
}

/** What the packed manifest and files must be, beyond what publint checks. */
function checkContents (name, pkgDir, unpacked) {
  const problems = []
  const manifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'))
  for (const field of [...DEPENDENCY_FIELDS, 'devDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${field}.${dep} is still "${range}"`)
      if (DEPENDENCY_FIELDS.includes(field) && /^(link|file):/.test(range)) problems.push(`${field}.${dep} points at a local path: "${range}"`)
    }
  }
  if (manifest.publishConfig?.access !== 'public') problems.push('publishConfig.access is not "public" (a scoped package would publish as restricted)')
  if (manifest.repository?.directory !== relative(root, pkgDir)) problems.push(`repository.directory is not "${relative(root, pkgDir)}"`)
  for (const field of ['license', 'homepage', 'bugs', 'keywords']) if (manifest[field] === undefined) problems.push(`no "${field}"`)
  const files = listFiles(unpacked)
  for (const required of ['LICENSE', 'README.md', 'CHANGELOG.md']) if (!files.includes(required)) problems.push(`${required} is not in the tarball`)
  if (files.includes('LICENSE') && readFileSync(join(unpacked, 'LICENSE'), 'utf8') !== readFileSync(join(root, 'LICENSE'), 'utf8')) {
    problems.push('LICENSE differs from the repository\'s LICENSE')
  }
  // src/ does not ship, so a map (or a sourceMappingURL to one) would point at nothing.
  const maps = files.filter(file => file.endsWith('.map'))
  if (maps.length > 0) problems.push(`source maps in the tarball: ${maps.slice(0, 3).join(', ')}${maps.length > 3 ? ', …' : ''}`)
  const mapped = files.filter(file => /\.[cm]?js$/.test(file) && readFileSync(join(unpacked, file), 'utf8').includes('//# sourceMappingURL='))
  if (mapped.length > 0) problems.push(`sourceMappingURL comments in: ${mapped.slice(0, 3).join(', ')}`)
  return problems
}

/** Loads every entry point the way an ESM app and a CommonJS app would (require(esm) for ESM-only packages). */
function checkLoads (name, manifest) {
  const problems = []
  const entries = Object.keys(manifest.exports ?? { '.': null })
    .filter(entry => !entry.endsWith('package.json'))
    .map(entry => entry === '.' ? name : `${name}/${entry.slice(2)}`)
  // apps/demo depends on every published package: it resolves them as an installed app would.
  const consumer = join(root, 'apps', 'demo')
  for (const spec of entries) {
    const esm = run(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(spec)})`], { cwd: consumer })
    if (!esm.ok) problems.push(`import('${spec}') fails:\n${esm.output}`)
    const cjs = run(process.execPath, ['-e', `require(${JSON.stringify(spec)})`], { cwd: consumer })
    if (!cjs.ok) problems.push(`require('${spec}') fails:\n${cjs.output}`)
    if (/ExperimentalWarning/.test(cjs.output)) problems.push(`require('${spec}') warns:\n${cjs.output}`)
  }
  return problems
}

const work = mkdtempSync(join(tmpdir(), 'wx-login-packages-'))
let failed = 0
try {
  for (const { dir, manifest } of published) {
    const { name } = manifest
    const out = join(work, manifest.name.replace(/^@/, '').replace('/', '-'))
    const unpacked = join(out, 'unpacked')
    mkdirSync(unpacked, { recursive: true })
    const problems = []

    const pack = run('pnpm', ['pack', '--pack-destination', out], { cwd: dir })
    const tarball = readdirSync(out).find(file => file.endsWith('.tgz'))
    if (!pack.ok || tarball === undefined) {
      problems.push(`pnpm pack failed:\n${pack.output}`)
    } else {
      const tgz = join(out, tarball)
      const untar = run('tar', ['-xzf', tgz, '-C', unpacked, '--strip-components=1'])
      if (!untar.ok) problems.push(`tar failed:\n${untar.output}`)
      else problems.push(...checkContents(name, dir, unpacked))

      // --strict: warnings fail too; suggestions are shown, not enforced.
      const publint = run(bin('publint'), ['run', tgz, '--strict'])
      console.log(publint.output.split('\n').filter(line => !/^(Running publint|Unpacking tarball|Linting)/.test(line)).map(line => `  publint: ${line}`).join('\n'))
      if (!publint.ok) problems.push('publint found problems (above)')

      const profile = ATTW_PROFILE[name] ?? 'esm-only'
      // --no-definitely-typed: no look-up of @types packages, so it runs offline.
      const attw = run(bin('attw'), [tgz, '--profile', profile, '--no-definitely-typed', '--format', 'table-flipped', '--no-color', '--no-emoji'])
      if (!attw.ok) problems.push(`@arethetypeswrong/cli (profile ${profile}) found problems:\n${attw.output}`)
      else console.log(`  attw (${profile}): no problems`)
    }
    problems.push(...checkLoads(name, manifest))

    if (problems.length === 0) {
      console.log(`ok ${name}: packed, publint, attw, manifest, LICENSE, no source maps, import and require`)
    } else {
      failed++
      console.error(`not ok ${name}:\n${problems.map(problem => `  - ${problem.replaceAll('\n', '\n    ')}`).join('\n')}`)
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}

console.log(`package checks: ${published.length - failed} of ${published.length} packages passed`)
process.exitCode = failed === 0 ? 0 : 1
