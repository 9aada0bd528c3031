// The render cache's key (src/chat/fragment-key.ts): a stored fragment is shown as it is only when
// nothing it was made from has changed since.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { importSource } from '../helpers/compile.mjs'

const { fragmentKey, isFresh } = await importSource('chat/fragment-key.ts')

const made = ['partials-v1', '2026-11-29 10:00:00.000Z', '2026-11-01 09:00:00.000Z']
const key = fragmentKey(...made)

test('the same inputs give the same key: a fresh fragment is shown as stored', () => {
  assert.equal(fragmentKey(...made), key)
  assert.equal(isFresh('<li>…</li>', key, fragmentKey(...made)), true)
})

test('a changed template, an edit or a renamed author each change the key', () => {
  const changes = {
    template: ['partials-v2', made[1], made[2]],
    edit: [made[0], '2026-11-29 10:05:00.000Z', made[2]],
    rename: [made[0], made[1], '2026-11-29 11:00:00.000Z'],
    'author gone': [made[0], made[1], ''],
  }
  for (const [why, inputs] of Object.entries(changes)) {
    assert.notEqual(fragmentKey(...inputs), key, why)
    assert.equal(isFresh('<li>…</li>', key, fragmentKey(...inputs)), false, why)
  }
})

test('a missing fragment or key is never fresh', () => {
  assert.equal(isFresh('', key, key), false)
  assert.equal(isFresh('<li>…</li>', '', key), false)
})
