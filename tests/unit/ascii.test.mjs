// HTML kept to ASCII reads back as the same text: every other character, an emoji's surrogate
// pair as one, becomes a character reference; ASCII (markup included) is left as it is.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { importSource } from '../helpers/compile.mjs'

const { asciiHtml } = await importSource('runtime/ascii.ts')

const decode = (html) => html.replace(/&#x([0-9a-f]+);/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))

test('non-ASCII text and attribute values become references, each character once', () => {
  assert.equal(asciiHtml('<p title="café">👍 東京</p>'), '<p title="caf&#xe9;">&#x1f44d; &#x6771;&#x4eac;</p>')
  assert.equal(asciiHtml('❤️'), '&#x2764;&#xfe0f;')
  assert.equal(asciiHtml('<a href="/x?y=1&amp;z">plain</a>'), '<a href="/x?y=1&amp;z">plain</a>')
})

test('whatever was written reads back the same', () => {
  const text = 'Grüße 👋🏽 — ½ · «quote» 👨‍👩‍👧 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u00a0end'
  const html = asciiHtml(text)
  assert.match(html, /^[\x00-\x7f]*$/)
  assert.equal(decode(html), text)
})
