// Catch-up: a browser that lost its connection (here: a server restart) replays what it missed
// from the room's history, GET /rooms/<slug>/events?after=<position>.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer } from '../../helpers/server.mjs'
import { Visitor, signUp, createRoom, postMessage, uniqueText as unique } from '../../helpers/browserless.mjs'
import { Subscriber } from '../../helpers/sse.mjs'
import { liveAttributes, idOf, messageEvents } from '../../helpers/markup.mjs'

// A fixture page that publishes n events in a room through sseSend, the one way Hearth publishes
// (each recorded in the room's history), so a history longer than the replay limit takes one
// request instead of hundreds of posts.
const FILL = `<%
  const { record } = rooms.openRoom(user, params.slug)
  const n = Number(request.query.n || 0)
  for (let i = 0; i < n; i++) sseSend(roomTopic(record.id), '<p id="fill-' + i + '">fill</p>')
  response.type('application/json')
%><%- JSON.stringify({ position: history.head($app, record.id).position }) %>`

let server
let owner, member, outsider, newcomer
const open = []

before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_POSTS: '100000/60' }, extraPages: { 'test-fill/[slug].ejs': FILL } })
  ;[owner, member, outsider, newcomer] = await Promise.all(Array.from({ length: 4 }, () => signUp(server)))
})
after(async () => {
  for (const s of open) s.close()
  await server?.stop()
})

async function subscribed(visitor, topic) {
  const s = new Subscriber(visitor)
  open.push(s)
  await s.connect()
  assert.equal((await s.subscribe([topic])).status, 200)
  return s
}

// the answer without the head's event id, which these tests do not follow (realtime-history does)
async function catchUp(visitor, slug, after) {
  const res = await visitor.get(`/rooms/${slug}/events?after=${after}`)
  assert.equal(res.status, 200, res.text.slice(0, 300))
  assert.match(res.headers.get('content-type'), /^application\/json/)
  const { eventId, ...rest } = JSON.parse(res.text)
  assert.match(eventId, /^[a-z0-9]{15}$/)
  return rest
}

test('after a server restart a reconnecting subscriber replays exactly what it missed, in order', async () => {
  const slug = await createRoom(owner, { kind: 'private' })
  assert.equal((await owner.post(`/rooms/${slug}/members`, { username: member.username })).status, 303)
  const { topic } = liveAttributes((await owner.get(`/rooms/${slug}`)).text)

  const first = await subscribed(owner, topic)
  const m1 = await postMessage(owner, slug, unique('m1'))
  const m2 = await postMessage(member, slug, unique('m2'))
  await first.waitFor((events) => messageEvents(events).length === 2)
  const last = Math.max(...first.events.map((e) => e.seq))
  first.close()

  await server.restart()

  // just back: what happens before the browser reconnects
  const m3Body = unique('m3')
  const m3 = await postMessage(owner, slug, m3Body)
  const m4 = await postMessage(member, slug, unique('m4'))
  assert.equal((await owner.post(`/rooms/${slug}/messages/${m1}/edit`, { body: 'm1, edited after the restart' })).status, 303)
  assert.equal((await member.post(`/rooms/${slug}/messages/${m2}/deletion`, {})).status, 303)
  assert.equal((await owner.post(`/rooms/${slug}/members`, { username: newcomer.username })).status, 303)

  // the reconnect: a fresh connection, subscribed, then the replay from the last position seen
  const again = await subscribed(owner, topic)
  const replay = await catchUp(owner, slug, last)
  assert.equal(replay.reload, false)
  assert.equal(replay.position, last + 5)
  assert.deepEqual(replay.events.map((e) => e.seq), [last + 1, last + 2, last + 3, last + 4, last + 5], 'each missed event once, in order')
  const [e3, e4, edit, removal, count] = replay.events.map((e) => e.html)
  assert.equal(idOf(e3), `message-${m3}`)
  assert.ok(e3.includes(m3Body))
  assert.equal(idOf(e4), `message-${m4}`)
  assert.equal(idOf(edit), `message-${m1}`)
  assert.match(edit, /\(edited\)/)
  assert.match(edit, /m1, edited after the restart/)
  assert.equal(removal.trim(), `<li class="message removed" id="message-${m2}" hidden></li>`)
  assert.equal(idOf(count), 'member-count')
  assert.match(count, />3 members</)

  // the room page agrees with the replay, and live events carry on from there
  assert.equal(liveAttributes((await owner.get(`/rooms/${slug}`)).text).position, last + 5)
  const m5 = await postMessage(member, slug, unique('m5'))
  await again.waitFor((events) => events.some((e) => idOf(e.html) === `message-${m5}`))
  await sleep(300)
  assert.deepEqual(again.events.map((e) => e.seq), [last + 6], 'the new connection gets only what happens after it subscribed')

  // nothing new: an empty replay; a position from the future: reload
  assert.deepEqual(await catchUp(owner, slug, last + 6), { position: last + 6, events: [], reload: false })
  assert.deepEqual(await catchUp(owner, slug, last + 7), { position: last + 6, events: [], reload: true })
  assert.deepEqual((await catchUp(member, slug, 0)).events.map((e) => e.seq), Array.from({ length: last + 6 }, (_, i) => i + 1))

  // who may not replay a private room
  assert.equal((await outsider.get(`/rooms/${slug}/events?after=${last}`)).status, 404)
  const guest = await new Visitor(server).get(`/rooms/${slug}/events?after=${last}`)
  assert.notEqual(guest.status, 200)
  assert.doesNotMatch(guest.text, /message-/)
})

test('a gap longer than 500 events is not replayed: the browser is told to reload', async () => {
  const slug = await createRoom(owner, { kind: 'public' })
  const filled = await owner.get(`/test-fill/${slug}?n=510`)
  assert.equal(filled.status, 200, filled.text.slice(0, 300))
  const { position } = JSON.parse(filled.text)
  assert.ok(position >= 511, `position ${position}`)

  const longest = await catchUp(outsider, slug, position - 500) // a public room: anyone signed in
  assert.equal(longest.reload, false)
  assert.equal(longest.events.length, 500)
  assert.equal(longest.events[0].seq, position - 499)
  assert.equal(longest.events[499].seq, position)

  assert.deepEqual(await catchUp(owner, slug, position - 501), { position, events: [], reload: true })
  assert.deepEqual(await catchUp(owner, slug, 0), { position, events: [], reload: true })
})

test('a position that is not a whole number is refused with 422', async () => {
  for (const after of ['', 'abc', '-1', '1.5', '1e3', '0x10', '%20']) {
    const res = await owner.get(`/rooms/lobby/events?after=${after}`)
    assert.equal(res.status, 422, `after=${after}`)
  }
  assert.equal((await owner.get('/rooms/lobby/events')).status, 422)
  assert.equal((await owner.get('/rooms/no-such-room/events?after=0')).status, 404)
})
