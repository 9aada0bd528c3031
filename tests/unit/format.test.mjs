// A plain body skips markdown-it (chat/format.ts plainParagraph) and must render exactly as
// markdown-it renders it; anything with Markdown, a link or a mention still goes to markdown-it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { importSource } from '../helpers/compile.mjs'

const { renderBody, plainParagraph, FAILED_LINKS_MAX } = await importSource('chat/format.ts')

// markdown-it itself: the plain path is turned off by giving it a body the check refuses, then
// the same text is compared through the parser's own output
const parsed = (body) => renderBody(`${body}\n`).html

test('plain words render as markdown-it renders them', () => {
  for (const body of ['hello there', 'bench k=12 t=1700000000.123 (no subscribers)', 'say "hi", then leave', 'Grüße 👋🏽 東京', 'a\u00a0b', "it's 5 o'clock; ok?"]) {
    assert.notEqual(plainParagraph(body), null, body)
    assert.equal(renderBody(body).html, parsed(body), body)
  }
})

test('Markdown, links, mentions and blocks still go to markdown-it', () => {
  for (const body of ['*hi*', 'see http://x.org', 'https://x.org', 'mail a@b.org', '@ana hi', '1. first', '- item', '> quote', 'a  \nb', '<b>', 'a & b', '`code`', '   x', 'x   ']) {
    assert.equal(plainParagraph(body), null, body)
  }
  assert.equal(renderBody('see http://x.org').html, '<p>see <a href="http://x.org" rel="nofollow noopener noreferrer" target="_blank">http://x.org</a></p>')
})

test('whatever the plain path takes renders exactly as markdown-it does', () => {
  // mostly words, now and then any character markdown-it or JavaScript's trim might treat apart
  const odd = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~0123456789', '\t', '\u00a0', '\u2028', '\f', '\v', '\u200b', '\u3000', 'é', '👍', '東', 'www.', '.com', 'http://', 'https://x.', 'mailto:', '\n']
  let seed = 7
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
  let plain = 0
  for (let n = 0; n < 60000; n++) {
    let body = ''
    const length = Math.floor(random() * 24)
    for (let i = 0; i < length; i++) body += random() < 0.85 ? 'abc de'[Math.floor(random() * 6)] : odd[Math.floor(random() * odd.length)]
    const fast = plainParagraph(body)
    if (fast === null) continue
    plain++
    assert.equal(fast, parsed(body), JSON.stringify(body))
  }
  assert.ok(plain > 15000, `only ${plain} bodies took the plain path`)
})

test('brackets that open no link stop being tried after a few: thousands of them are text, not seconds of CPU', () => {
  // markdown-it scans onward from every "[" for its "]": quadratic in a body of unclosed brackets
  assert.equal(renderBody('['.repeat(4000)).html, `<p>${'['.repeat(4000)}</p>`)
  assert.equal(renderBody('!['.repeat(2000)).html, `<p>${'!['.repeat(2000)}</p>`)
  // links in an ordinary message, stray brackets and all, still work
  assert.equal(renderBody('see [the docs](http://x.org) [sic] and [this]').html,
    '<p>see <a href="http://x.org" rel="nofollow noopener noreferrer" target="_blank">the docs</a> [sic] and [this]</p>')
  // past the bound, in a body of stray brackets, even a real link is text: the price of the bound
  const stray = '[ '.repeat(FAILED_LINKS_MAX * 4)
  const html = renderBody(`${stray}[a](http://x.org)`).html
  assert.ok(html.startsWith(`<p>${stray}[a](`) && !html.includes('>a</a>'), html)
})
