// Live rooms: what subscribers of a room receive when people post, edit and delete, and in which
// order. Subscribers are real PocketBase SSE connections subscribed through Hearth's own route.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer } from '../../helpers/server.mjs'
import { signUp, createRoom, postMessage, uniqueText as unique } from '../../helpers/browserless.mjs'
import { RawSse, Subscriber } from '../../helpers/sse.mjs'
import { liveAttributes, messageEvents, messageNumbers, idOf, dataNumberOf } from '../../helpers/markup.mjs'

let server
let users // five signed-up people, shared by the tests (signing up is the slow part)
const open = []

before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_POSTS: '100000/60' } })
  users = await Promise.all(Array.from({ length: 5 }, () => signUp(server)))
})
after(async () => {
  for (const s of open) s.close()
  await server?.stop()
})

async function roomState(visitor, slug) {
  const page = await visitor.get(`/rooms/${slug}`)
  assert.equal(page.status, 200)
  const live = liveAttributes(page.text)
  assert.ok(live, 'the room page declares its topic and position')
  return live
}

async function subscribed(visitor, topic) {
  const s = new Subscriber(visitor)
  open.push(s)
  await s.connect()
  const res = await s.subscribe([topic])
  assert.equal(res.status, 200, res.text)
  assert.deepEqual(JSON.parse(res.text), { topics: [topic] })
  return s
}

const hasMessage = (id) => (events) => events.some((e) => idOf(e.html) === `message-${id}`)

test('fan-out: five subscribers of a public room each get a new message once, at the next position', async () => {
  const [owner] = users
  const slug = await createRoom(owner, { kind: 'public' })
  const { topic, position } = await roomState(owner, slug)
  const subscribers = await Promise.all(users.map((u) => subscribed(u, topic)))

  const body = unique('fan-out')
  const id = await postMessage(owner, slug, body)
  await Promise.all(subscribers.map((s) => s.waitFor(hasMessage(id))))
  await sleep(400) // a repeat would arrive by now

  for (const s of subscribers) {
    assert.equal(s.events.length, 1, `one event each, got ${JSON.stringify(s.events.map((e) => e.seq))}`)
    const [event] = s.events
    assert.equal(event.topic, topic)
    assert.equal(event.seq, position + 1)
    assert.equal(idOf(event.html), `message-${id}`)
    assert.ok(event.html.includes(body), 'the fragment shows the body')
  }
  // the fragment is what the room page shows for that message
  const page = await owner.get(`/rooms/${slug}`)
  assert.equal(liveAttributes(page.text).position, position + 1)
  assert.equal(dataNumberOf(subscribers[0].events[0].html), messageNumbers(page.text).get(id))
})

test('room isolation: a subscriber of one room gets nothing from another room, even one it may read', async () => {
  const [alice, bob] = users
  const roomA = await createRoom(alice, { kind: 'public' })
  const roomB = await createRoom(alice, { kind: 'public' })
  const { topic: topicA } = await roomState(alice, roomA)
  const { topic: topicB } = await roomState(alice, roomB)
  assert.notEqual(topicA, topicB)

  // every event this connection gets is recorded, whatever its name
  const sse = new RawSse(server, { cookie: alice.cookieHeader() })
  open.push(sse)
  const clientId = await sse.connect()
  assert.equal((await alice.post('/realtime/subscriptions', { clientId, topics: topicA })).status, 200)

  const inB = await postMessage(alice, roomB, unique('in B'))
  assert.equal((await bob.post(`/rooms/${roomB}/membership`, {})).status, 303) // a member count change in B
  const inA = await postMessage(alice, roomA, unique('in A'))

  await sse.waitFor((s) => s.named(topicA).some((e) => idOf(e.html) === `message-${inA}`))
  await sleep(300)
  const received = sse.received()
  assert.deepEqual(received.map((e) => e.name), [topicA], 'only the message in room A arrived')
  assert.ok(!received.some((e) => e.data.includes(inB)))
})

test('edits and deletes reach subscribers: same element id, "(edited)", then the removed marker', async () => {
  const [alice, bob] = users
  const slug = await createRoom(alice, { kind: 'public' })
  const { topic, position } = await roomState(alice, slug)
  const watcher = await subscribed(bob, topic)

  const id = await postMessage(alice, slug, 'first version')
  await watcher.waitFor(hasMessage(id))

  // an edit by someone else is refused and shows nothing; an edit that changes nothing shows nothing
  const refused = await bob.post(`/rooms/${slug}/messages/${id}/edit`, { body: 'hijacked' })
  assert.equal(refused.status, 403)
  assert.equal((await alice.post(`/rooms/${slug}/messages/${id}/edit`, { body: 'first version' })).status, 303)

  const edit = await alice.post(`/rooms/${slug}/messages/${id}/edit`, { body: 'second version' })
  assert.equal(edit.status, 303)
  await watcher.waitFor((events) => events.length >= 2)
  const deletion = await alice.post(`/rooms/${slug}/messages/${id}/deletion`, {})
  assert.equal(deletion.status, 303)
  await watcher.waitFor((events) => events.length >= 3)
  await sleep(300)

  const [created, edited, removed, ...rest] = watcher.events
  assert.deepEqual(rest, [], 'no other events (the refused and the unchanged edit publish nothing)')
  assert.equal(created.seq, position + 1)
  assert.equal(edited.seq, position + 2)
  assert.equal(removed.seq, position + 3)

  assert.equal(idOf(edited.html), `message-${id}`)
  assert.match(edited.html, /<span class="edited">\(edited\)<\/span>/)
  assert.match(edited.html, /second version/)
  assert.doesNotMatch(edited.html, /first version|hijacked/)
  assert.doesNotMatch(created.html, /\(edited\)/)

  assert.equal(removed.html.trim(), `<li class="message removed" id="message-${id}" hidden></li>`)
})

test('a burst of 40 concurrent posts by 4 people reaches every subscriber once each, in position order', async () => {
  const [owner, ...others] = users
  const posters = [owner, ...others.slice(0, 3)]
  const slug = await createRoom(owner, { kind: 'public' })
  for (const p of posters.slice(1)) assert.equal((await p.post(`/rooms/${slug}/membership`, {})).status, 303)
  const { topic, position } = await roomState(owner, slug)
  const subscribers = await Promise.all(users.slice(0, 3).map((u) => subscribed(u, topic)))

  // meanwhile a browser catching up must only ever see a complete history: a hole that fills in
  // later would be skipped for good (its position is behind the browser's by then)
  let bursting = true
  const snapshots = []
  const poller = (async () => {
    while (bursting) {
      const res = await users[4].get(`/rooms/${slug}/events?after=${position}`)
      assert.equal(res.status, 200)
      snapshots.push(JSON.parse(res.text))
    }
  })()
  const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => postMessage(posters[i % 4], slug, `burst ${i}`)))
  bursting = false
  await poller
  assert.equal(new Set(ids).size, 40)
  assert.ok(snapshots.length >= 2)
  for (const snapshot of snapshots) {
    const seqs = snapshot.events.map((e) => e.seq)
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => position + 1 + i), 'a replay never has holes')
    // (the position is read first, so the events may go past it, never stop short of it)
    assert.ok(position + seqs.length >= snapshot.position, 'the replay reaches the position it reports')
  }

  await Promise.all(subscribers.map((s) => s.waitFor((events) => messageEvents(events).length >= 40, 15000)))
  await sleep(400)

  const expected = Array.from({ length: 40 }, (_, i) => position + 1 + i)
  const page = await owner.get(`/rooms/${slug}`)
  const onPage = messageNumbers(page.text)
  const numbers = ids.map((id) => onPage.get(id))
  assert.deepEqual([...onPage.values()], [...onPage.values()].sort((a, b) => a - b), 'the page lists messages by data-number')
  assert.equal(new Set(numbers).size, 40, 'every message has its own data-number')
  for (const s of subscribers) {
    const seqs = s.events.map((e) => e.seq)
    assert.deepEqual(seqs, expected, 'strictly increasing positions, no gaps, no repeats, in arrival order')
    const shown = s.events.map((e) => idOf(e.html).replace('message-', ''))
    assert.deepEqual([...shown].sort(), [...ids].sort(), 'every posted message, once')
    // a message's events may come in another order than its data-number (the browser places it by
    // data-number), but each fragment carries the data-number the page shows
    assert.deepEqual(s.events.map((e) => dataNumberOf(e.html)), shown.map((id) => onPage.get(id)))
    // and every subscriber saw the same order
    assert.deepEqual(shown, subscribers[0].events.map((e) => idOf(e.html).replace('message-', '')))
  }

  // the history replays the same events in the same order
  const replay = await owner.get(`/rooms/${slug}/events?after=${position}`)
  assert.equal(replay.status, 200)
  const catchUp = JSON.parse(replay.text)
  assert.equal(catchUp.reload, false)
  assert.equal(catchUp.position, position + 40)
  assert.deepEqual(catchUp.events.map((e) => e.seq), expected)
  assert.deepEqual(catchUp.events.map((e) => e.html), subscribers[0].events.map((e) => e.html))
})
