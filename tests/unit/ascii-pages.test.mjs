// Every page and partial is ASCII outside its EJS comments: goja keeps a string holding any other
// character in UTF-16 and converts it at every join, so one "·" in a template made its whole page
// slower (src/runtime/ascii.ts). Write such characters as references (&middot;, &#x1f44e;) or, in
// CSS, as escapes (\1F44E).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../helpers/server.mjs'

function* templates(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) yield* templates(path)
    else if (entry.name.endsWith('.ejs')) yield path
  }
}

test('pages and partials are ASCII outside EJS comments', () => {
  const offenders = []
  for (const file of templates(join(ROOT, 'pb_hooks', 'pages'))) {
    const text = readFileSync(file, 'utf8').replace(/<%#[\s\S]*?%>/g, '')
    const found = text.match(/[^\x00-\x7f]/gu)
    if (found) offenders.push(`${file.slice(ROOT.length + 1)}: ${[...new Set(found)].join(' ')}`)
  }
  assert.deepEqual(offenders, [])
})
