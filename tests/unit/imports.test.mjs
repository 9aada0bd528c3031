// Imports point one way: pages -> chat/accounts/realtime -> runtime. The page runtime is a
// framework and imports nothing of the application it serves (the entry configures it); the
// domain never imports web/, the helpers the entry hands to pages and templates. The site's
// settings (site/), which chat and accounts read, import only the runtime.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '../helpers/server.mjs'

const DOMAIN = ['runtime', 'realtime', 'accounts', 'chat', 'site']
const LAYERS = { runtime: [], site: ['runtime'], realtime: DOMAIN, accounts: DOMAIN, chat: DOMAIN }

function importsOf(dir) {
  const out = []
  for (const file of readdirSync(join(ROOT, 'src', dir))) {
    if (!file.endsWith('.ts')) continue
    const text = readFileSync(join(ROOT, 'src', dir, file), 'utf8')
    for (const m of text.matchAll(/from '\.\.\/([a-z]+)\//g)) out.push({ file: `${dir}/${file}`, target: m[1] })
  }
  return out
}

for (const [layer, allowed] of Object.entries(LAYERS)) {
  test(`src/${layer}/ imports ${allowed.length ? 'no web/ helpers' : 'nothing of the application'}`, () => {
    const wrong = importsOf(layer).filter((i) => !allowed.includes(i.target))
    assert.deepEqual(wrong, [], wrong.map((i) => `${i.file} imports ${i.target}/`).join('\n'))
  })
}
