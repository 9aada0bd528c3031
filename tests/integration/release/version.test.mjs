// The release's version: package.json's, linked into the binary (src/server/main.go), printed by
// --version and handed to the JS hooks as $hearth, which the admins' footer shows.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startServer, PB, ROOT } from '../../helpers/server.mjs'
import { signUp } from '../../helpers/browserless.mjs'

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))

let server
before(async () => {
  // a page Hearth does not ship that renders the footer partial, which no one may see yet
  server = await startServer({ extraPages: { 'test-release/index.ejs': "<%- include('release-footer') %>" } })
})
after(async () => { await server?.stop() })

test('--version prints Hearth\'s version and PocketBase\'s', () => {
  const out = execFileSync(PB, ['--version'], { encoding: 'utf8' })
  assert.equal(out.trim(), `Hearth ${version} (PocketBase v0.39.11)`)
})

test('the JS hooks see the version the binary was linked with', async () => {
  const alice = await signUp(server)
  const res = await alice.get('/test-release')
  assert.equal(res.status, 200)
  assert.match(res.text, new RegExp(`Hearth ${version.replace(/\./g, '\\.')} on PocketBase v0\\.39\\.11`))
})

test('people who are not admins do not see the version in the footer (admins do: accounts/first-run.test.mjs)', async () => {
  const alice = await signUp(server)
  const page = await alice.get('/rooms/lobby')
  assert.equal(page.status, 200)
  assert.doesNotMatch(page.text, /class="site release"|Hearth \d+\.\d+\.\d+/)
})
