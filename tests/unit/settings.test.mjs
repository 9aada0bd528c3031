// Every setting the code reads is in the operator's guide (docs/OPERATING.md, "Every setting").
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../helpers/server.mjs'

const guide = readFileSync(join(ROOT, 'docs/OPERATING.md'), 'utf8')
const documented = new Set([...guide.matchAll(/^\| `(HEARTH_[A-Z0-9_]+)`/gm)].map((m) => m[1]))

/** the HEARTH_* names in src/ outside tests, and the per-limit names src/runtime/limits.ts builds */
function settingsInCode() {
  const names = new Set()
  for (const entry of readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|go)$/.test(entry.name) || entry.name.endsWith('_test.go')) continue
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8')
    for (const m of text.matchAll(/HEARTH_[A-Z0-9_]*[A-Z0-9]/g)) names.add(m[0])
    if (entry.name === 'limits.ts') {
      for (const m of text.matchAll(/name: '([a-z_]+)'/g)) names.add(`HEARTH_LIMIT_${m[1].toUpperCase()}`)
    }
  }
  return names
}

test('every HEARTH_* setting the code reads has a row in docs/OPERATING.md', () => {
  const found = settingsInCode()
  assert.ok(found.size > 15, `found only ${[...found].join(', ')}`)
  const missing = [...found].filter((name) => name !== 'HEARTH_LIMIT' && !documented.has(name))
  assert.deepEqual(missing, [])
})

test('the guide lists no setting the code does not read', () => {
  const found = settingsInCode()
  assert.deepEqual([...documented].filter((name) => !found.has(name)), [])
})
