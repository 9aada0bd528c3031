// The room page groups its messages: a heading for each (UTC) day, and a message posted by the
// same person within five minutes of the one above it marked as continued (no name again). The
// marks are the page's: the shared fragment every reader gets live stays unmarked.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../../helpers/server.mjs'
import { signUp, createRoom, postMessage, uniqueText } from '../../helpers/browserless.mjs'
import { timelineOf, messageItem } from '../../helpers/markup.mjs'
import { BACKDATE_PAGES, backdate } from '../../helpers/backdate.mjs'

let server
let alice, bob
before(async () => {
  server = await startServer({ extraPages: BACKDATE_PAGES, env: { HEARTH_LIMIT_POSTS: '1000/60' } })
  ;[alice, bob] = await Promise.all([signUp(server), signUp(server)])
})
after(async () => { await server?.stop() })

/** posts [who, ISO time] in order and returns their ids */
async function seed(slug, posts) {
  const ids = []
  for (const [who, at] of posts) {
    const id = await postMessage(who, slug, uniqueText('timeline'))
    await backdate(server, id, at)
    ids.push(id)
  }
  return ids
}

test('a room page shows a heading for each day and groups one person\'s messages posted within five minutes', async () => {
  const slug = await createRoom(alice)
  await bob.post(`/rooms/${slug}/membership`, {})
  const ids = await seed(slug, [
    [alice, '2024-02-28T23:58:00Z'],
    [alice, '2024-02-29T00:01:00Z'], // three minutes later, but the next day
    [alice, '2024-02-29T00:04:00Z'], // continues
    [alice, '2024-02-29T00:09:00Z'], // continues: five minutes after the one above
    [alice, '2024-02-29T00:15:00Z'], // six minutes: a new group
    [bob, '2024-02-29T00:16:00Z'], // someone else
    [alice, '2024-02-29T00:17:00Z'], // back to alice: her name again
    [alice, '2024-03-02T09:00:00Z'], // two days on
  ])
  const page = await alice.get(`/rooms/${slug}`)
  assert.equal(page.status, 200)
  assert.deepEqual(timelineOf(page.text), [
    { day: '2024-02-28', label: 'Wednesday, 28 February 2024' },
    { id: ids[0], continued: false },
    { day: '2024-02-29', label: 'Thursday, 29 February 2024' },
    { id: ids[1], continued: false },
    { id: ids[2], continued: true },
    { id: ids[3], continued: true },
    { id: ids[4], continued: false },
    { id: ids[5], continued: false },
    { id: ids[6], continued: false },
    { day: '2024-03-02', label: 'Saturday, 2 March 2024' },
    { id: ids[7], continued: false },
  ])
  // every message says its time of day; the whole date is in its title
  assert.match(messageItem(page.text, ids[2]), /<time class="clock" datetime="2024-02-29T00:04:00(\.000)?Z" title="29 Feb 2024, 00:04 UTC">00:04 UTC<\/time>/)
})

test('the fragments sent live and replayed stay the same for everyone: no day, no group mark', async () => {
  const slug = await createRoom(alice)
  const first = await postMessage(alice, slug, uniqueText('first'))
  const second = await postMessage(alice, slug, uniqueText('second'))
  const page = await alice.get(`/rooms/${slug}`)
  assert.deepEqual(timelineOf(page.text).map((e) => e.continued ?? e.day.length), [10, false, true])
  assert.deepEqual(timelineOf(page.text).slice(1).map((e) => e.id), [first, second])
  const res = await alice.get(`/rooms/${slug}/events?after=0`, { headers: { Accept: 'application/json' } })
  assert.equal(res.status, 200)
  const events = JSON.parse(res.text).events.filter((e) => /class="message"/.test(e.html))
  assert.equal(events.length, 2)
  for (const e of events) {
    assert.doesNotMatch(e.html, /data-continued|class="day"/)
  }
})

test('an older page starts with its day\'s heading, as a page and as the part htmx puts above', async () => {
  const slug = await createRoom(alice)
  for (let i = 0; i < 52; i++) await postMessage(alice, slug, `older ${i}`)
  const newest = await alice.get(`/rooms/${slug}`)
  const cursor = /\?before=(\d+)/.exec(newest.text)[1]
  const paged = await alice.get(`/rooms/${slug}?before=${cursor}`)
  const fragment = await alice.get(`/rooms/${slug}?before=${cursor}`, { headers: { 'HX-Request': 'true' } })
  for (const [what, html] of [['page', paged.text], ['htmx part', fragment.text]]) {
    const entries = timelineOf(html)
    assert.equal(entries.length, 3, `${what}: one day and the two oldest messages`)
    assert.ok(entries[0].day, `${what}: the day comes first`)
    assert.deepEqual(entries.slice(1).map((e) => e.continued), [false, true], `${what}: grouped`)
  }
  assert.deepEqual(timelineOf(newest.text).slice(0, 3).map((e) => e.day ? 'day' : e.continued), ['day', false, true])
})
