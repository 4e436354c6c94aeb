#!/usr/bin/env node
// Keeps every README.md and the README.zh-CN.md beside it in step. Translation
// itself cannot be checked here, but the drift an edit to one file alone leaves
// behind can: the headings (levels, in order), the fenced code blocks (count and
// language tags), the tables' row counts, and each file's line linking to the
// other language, right under its title. Prints the first difference per file.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join, posix } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
// changesets reads every .md in .changeset/ except README.md as a changeset, so
// that folder cannot hold a translation.
const SKIPPED = /(^|\/)(node_modules|dist|\.changeset)\//
const LANGUAGE_LINE = {
  'README.md': 'English | [简体中文](README.zh-CN.md)',
  'README.zh-CN.md': '[English](README.md) | 简体中文'
}

/** The README.md files git knows about, committed or new (so a clean clone sees the same list). */
function englishReadmes () {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  return [...new Set(listed.split('\0'))]
    .filter(path => posix.basename(path) === 'README.md' && !SKIPPED.test(path) && existsSync(join(root, path)))
    .sort()
}

/** What must match between the two languages, read the way CommonMark reads the file. */
function outline (text) {
  const headings = []
  const fences = []
  const tables = []
  let fence = null
  let inTable = false
  let seenTitle = false
  let lineAfterTitle = null
  for (const line of text.split(/\r?\n/)) {
    const marker = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line)
    if (fence !== null) {
      // A fence closes on the same character, at least as long, with nothing after it.
      if (marker && marker[1][0] === fence[0] && marker[1].length >= fence.length && marker[2].trim() === '') fence = null
      continue
    }
    if (seenTitle && lineAfterTitle === null && line.trim() !== '') lineAfterTitle = line.trim()
    if (marker) {
      fence = marker[1]
      fences.push(marker[2].trim().split(/\s+/)[0])
      inTable = false
      continue
    }
    const isTableRow = /^ {0,3}\|/.test(line)
    if (isTableRow && !inTable) tables.push(0)
    if (isTableRow) tables[tables.length - 1]++
    inTable = isTableRow
    const heading = /^ {0,3}(#{1,6})(?:[ \t]|$)/.exec(line)
    if (heading) {
      headings.push({ level: heading[1].length, text: line.trim() })
      if (heading[1].length === 1) seenTitle = true
    }
  }
  return { headings, fences, tables, lineAfterTitle }
}

const quote = text => JSON.stringify(text)

/** The first difference between a translation and its English file, or null. */
function firstDifference (zh, en) {
  // A deleted heading first shows as a level mismatch further on: say the counts differ too.
  const headingCounts = zh.headings.length === en.headings.length ? '' : ` (${zh.headings.length} headings here, ${en.headings.length} in README.md)`
  for (let i = 0; i < Math.max(zh.headings.length, en.headings.length); i++) {
    const [here, there] = [zh.headings[i], en.headings[i]]
    if (here === undefined) return `heading ${i + 1} is missing here: README.md has ${quote(there.text)} (${en.headings.length} headings there, ${zh.headings.length} here)`
    if (there === undefined) return `heading ${i + 1} (${quote(here.text)}) has no counterpart in README.md (${en.headings.length} headings there, ${zh.headings.length} here)`
    if (here.level !== there.level) return `heading ${i + 1} is level ${here.level} here (${quote(here.text)}), level ${there.level} in README.md (${quote(there.text)})${headingCounts}`
  }
  for (let i = 0; i < Math.max(zh.fences.length, en.fences.length); i++) {
    const [here, there] = [zh.fences[i], en.fences[i]]
    if (here === undefined) return `code block ${i + 1} is missing here: README.md has a ${quote(there)} block (${en.fences.length} blocks there, ${zh.fences.length} here)`
    if (there === undefined) return `code block ${i + 1} (${quote(here)}) has no counterpart in README.md (${en.fences.length} blocks there, ${zh.fences.length} here)`
    if (here !== there) return `code block ${i + 1} is tagged ${quote(here)} here, ${quote(there)} in README.md`
  }
  for (let i = 0; i < Math.max(zh.tables.length, en.tables.length); i++) {
    const [here, there] = [zh.tables[i], en.tables[i]]
    if (here === undefined) return `table ${i + 1} is missing here (${en.tables.length} tables in README.md, ${zh.tables.length} here)`
    if (there === undefined) return `table ${i + 1} has no counterpart in README.md (${en.tables.length} tables there, ${zh.tables.length} here)`
    if (here !== there) return `table ${i + 1} has ${here} rows here, ${there} in README.md`
  }
  return null
}

function languageLineProblem (file, shape) {
  const expected = LANGUAGE_LINE[posix.basename(file)]
  if (shape.lineAfterTitle === expected) return null
  return `the line after the "# " title must be ${quote(expected)}, found ${quote(shape.lineAfterTitle ?? '(nothing)')}`
}

const problems = []
const readmes = englishReadmes()
for (const english of readmes) {
  const chinese = posix.join(posix.dirname(english), 'README.zh-CN.md')
  const en = outline(readFileSync(join(root, english), 'utf8'))
  const enLine = languageLineProblem(english, en)
  if (enLine) problems.push(`${english}: ${enLine}`)
  if (!existsSync(join(root, chinese))) {
    problems.push(`${chinese}: missing (every README.md has a Simplified Chinese translation beside it)`)
    continue
  }
  const zh = outline(readFileSync(join(root, chinese), 'utf8'))
  const problem = languageLineProblem(chinese, zh) ?? firstDifference(zh, en)
  if (problem) problems.push(`${chinese}: ${problem}`)
}

if (problems.length > 0) {
  for (const problem of problems) console.error(problem)
  console.error(`check-readmes: ${problems.length} problem(s); a README.md and its README.zh-CN.md change together`)
  process.exit(1)
}
console.log(`check-readmes: ${readmes.length} README pairs in step`)
