// The JavaScript every page loads stays within 20 KB gzip (the goal bench/page-weight.mjs reports,
// counted the same way: node's zlib at level 6), so a change that outgrows it fails here and not
// only in a benchmark run. The scripts are the layout's (pb_hooks/pages/+layout.ejs), as built.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'

const root = new URL('../../', import.meta.url)
const BUDGET = 20 * 1024

test('the scripts the layout loads are at most 20 KB gzip together', () => {
  const layout = readFileSync(new URL('pb_hooks/pages/+layout.ejs', root), 'utf8')
  const scripts = [...layout.matchAll(/<script src="<%= assetUrl\('([^']+)'\) %>"/g)].map((m) => m[1])
  assert.deepEqual(scripts, ['/vendor/htmx.min.js', '/min/hearth-page.js'], 'the layout loads what this test counts')
  assert.doesNotMatch(layout, /<script>/, 'no inline script')
  const sizes = scripts.map((s) => gzipSync(readFileSync(new URL(`pb_public${s}`, root)), { level: 6 }).length)
  const total = sizes.reduce((a, b) => a + b, 0)
  assert.ok(total <= BUDGET, `${total} bytes gzip (${scripts.map((s, i) => `${s} ${sizes[i]}`).join(', ')}), over ${BUDGET}`)
})
