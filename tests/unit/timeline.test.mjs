// How the room page groups its messages (src/web/timeline.ts): who follows whom, and the mark
// added to a shared fragment without touching what it shows.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { importSource } from '../helpers/compile.mjs'

const { follows, continued, timelineOf, GROUP_WINDOW_MS } = await importSource('web/timeline.ts')

const at = (iso, author = 'alice', id = iso) => ({ id, number: 0, author, created: iso, fragment: `<li class="message" id="message-${id}" data-author="${author}">\n  <p>${id}</p>\n</li>` })

test('a message follows the one above from the same person, the same UTC day, within five minutes', () => {
  const cases = [
    ['the same minute', at('2026-11-29T10:00:00.000Z'), at('2026-11-29T10:00:30.000Z'), true],
    ['exactly the window later', at('2026-11-29T10:00:00.000Z'), at(new Date(Date.parse('2026-11-29T10:00:00.000Z') + GROUP_WINDOW_MS).toISOString()), true],
    ['a second more than the window', at('2026-11-29T10:00:00.000Z'), at('2026-11-29T10:05:01.000Z'), false],
    ['someone else', at('2026-11-29T10:00:00.000Z'), at('2026-11-29T10:01:00.000Z', 'bob'), false],
    ['past midnight', at('2026-11-29T23:59:00.000Z'), at('2026-11-30T00:01:00.000Z'), false],
    ['two people whose accounts are gone', at('2026-11-29T10:00:00.000Z', ''), at('2026-11-29T10:01:00.000Z', ''), false],
    ['an older time (a clock set back)', at('2026-11-29T10:01:00.000Z'), at('2026-11-29T10:00:00.000Z'), false],
  ]
  for (const [name, previous, message, expected] of cases) assert.equal(follows(previous, message), expected, name)
  assert.equal(follows(null, at('2026-11-29T10:00:00.000Z')), false, 'the first message')
})

test('continued marks the message\'s own <li>, and only it', () => {
  const fragment = at('2026-11-29T10:00:00.000Z').fragment.replace('<p>', '<p><li>a list in the body</li>')
  const marked = continued(fragment)
  assert.match(marked, /^<li class="message" id="message-[^"]+" data-author="alice" data-continued>/)
  assert.equal(marked.match(/data-continued/g).length, 1)
  assert.equal(marked.replace(' data-continued', ''), fragment)
})

test('timelineOf puts a day\'s heading before the first message of each day', () => {
  const entries = timelineOf([at('2026-11-28T10:00:00.000Z'), at('2026-11-29T10:00:00.000Z'), at('2026-11-29T10:01:00.000Z')])
  assert.deepEqual(entries.map((e) => e.day ?? (e.html.includes('data-continued') ? 'continued' : 'message')), ['2026-11-28', 'message', '2026-11-29', 'message', 'continued'])
  assert.equal(entries[0].label, 'Saturday, 28 November 2026')
  assert.deepEqual(timelineOf([]), [])
})
