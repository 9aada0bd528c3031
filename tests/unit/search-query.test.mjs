// What a person types into search becomes quoted words for FTS5: no text is ever its syntax.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { importSource } from '../helpers/compile.mjs'

const { queryOf, markedHtml, MAX_WORDS } = await importSource('chat/search.ts')

test('words are quoted, and operators, quotes, stars and brackets are only separators', () => {
  assert.deepEqual(queryOf('deploy  Friday'), { match: '"deploy" "Friday"', words: ['deploy', 'Friday'], cut: false })
  assert.equal(queryOf('"NEAR(a b)" OR c* -d ^e:f').match, '"NEAR" "a" "b" "OR" "c" "d" "e" "f"')
  assert.equal(queryOf('café, 東京。x').match, '"café" "東京" "x"')
  assert.equal(queryOf('a\u0000b\u007fc').match, '"a" "b" "c"')
})

test('no words is no query; more than the limit is cut and says so', () => {
  for (const text of ['', '   ', '"""', '*()', '\u0000']) assert.equal(queryOf(text), null, JSON.stringify(text))
  const long = queryOf(Array(20).fill('w').join(' '))
  assert.equal(long.words.length, MAX_WORDS)
  assert.equal(long.cut, true)
})

test('a snippet is escaped, and only the markers become <mark>', () => {
  assert.equal(markedHtml('<b>x</b> & "\u0001hit\u0002\''), '&lt;b&gt;x&lt;/b&gt; &amp; &quot;<mark>hit</mark>&#39;')
})
