// Avatars (src/chat/avatars.ts): two people rarely share one, so a look-alike display name does not
// come with a look-alike picture. avatars.ts is pure TypeScript, compiled with esbuild.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { importSource } from '../helpers/compile.mjs'

const { avatarSvg, lookOf } = await importSource('chat/avatars.ts')

// PocketBase record ids: 15 characters of a-z0-9
const newId = () => [...randomBytes(15)].map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('')

test('1,000 people with the same display name get nearly 1,000 different avatars (there were 10)', () => {
  const ids = Array.from({ length: 1000 }, newId)
  const svgs = new Set(ids.map((id) => avatarSvg(id, 'Alice Admin')))
  assert.ok(svgs.size >= 950, `${svgs.size} distinct avatars for 1,000 ids`)
  const hues = new Set(ids.map((id) => lookOf(id).hue))
  assert.ok(hues.size >= 300, `${hues.size} distinct hues`)
  const patterns = new Set(ids.map((id) => lookOf(id).pattern))
  assert.equal(patterns.size, 8)
})

test('ids or usernames one character apart ("alice" and look-alikes) get different avatars', () => {
  const alice = avatarSvg('alice', 'Alice')
  for (const lookAlike of ['alice_', 'a1ice', 'alIce', 'alicf', 'allce', 'alice_admin']) {
    assert.notEqual(avatarSvg(lookAlike, 'Alice'), alice, lookAlike)
  }
  // and the same id always draws the same avatar
  assert.equal(avatarSvg('alice', 'Alice'), alice)
})

test('the initials are escaped and the SVG is one well-formed element', () => {
  const svg = avatarSvg(newId(), '<script> &')
  assert.match(svg, /^<svg [^]*<\/svg>$/)
  assert.doesNotMatch(svg, /<script>/)
})
