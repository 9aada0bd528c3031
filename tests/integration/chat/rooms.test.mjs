// Rooms: the lobby, the room list, creating rooms, and who may see which room.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../../helpers/server.mjs'
import { Visitor, signUp, createRoom, uniqueName } from '../../helpers/browserless.mjs'
import { fieldError, inputTag } from '../../helpers/markup.mjs'

let server
// the same two people throughout (sign-ups are slow); each test makes its own rooms
let alice, bob
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_ROOMS: '1000/3600' } })
  ;[alice, bob] = await Promise.all([signUp(server), signUp(server)])
})
after(async () => { await server?.stop() })

/** the room list's entries: { slug, name, private, joined } */
function listedRooms(html) {
  return [...html.matchAll(/<li>\s*<a href="\/rooms\/([^"#?]+)[^"]*" data-room="[a-z0-9]+"><span class="muted">#<\/span>([^<]*)<span class="unread"[\s\S]*?<\/a>([\s\S]*?)<\/li>/g)].map((m) => ({
    slug: m[1],
    name: m[2],
    private: m[3].includes('<span class="badge">private</span>'),
    joined: !m[3].includes('not joined'),
  }))
}

test('the lobby exists from the first start, and a new person is a member of it', async () => {
  const v = alice
  const lobby = await v.get('/rooms/lobby')
  assert.equal(lobby.status, 200)
  assert.match(lobby.text, /<h1><span class="muted">#<\/span>Lobby<\/h1>/)
  assert.match(lobby.text, /<p class="topic">Everyone is here.<\/p>/)
  assert.match(lobby.text, /data-role="member"/)
  assert.match(lobby.text, /<form id="composer"/)
  assert.deepEqual(listedRooms((await v.get('/rooms')).text).find((r) => r.slug === 'lobby'), {
    slug: 'lobby', name: 'Lobby', private: false, joined: true,
  })
})

test('the room list needs a session', async () => {
  const res = await new Visitor(server).get('/rooms')
  assert.equal(res.status, 303)
  assert.equal(res.location, '/login?next=%2Frooms')
})

test('creating a room makes its creator the owner and takes its address from the name', async () => {
  const owner = alice
  const name = `Team ${uniqueName('x')} Talk`
  const res = await owner.post('/rooms', { name, topic: 'Plans & ideas', kind: 'public' })
  assert.equal(res.status, 303)
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-')
  assert.equal(res.location, `/rooms/${slug}`)
  const page = await owner.get(res.location)
  assert.equal(page.status, 200)
  assert.match(page.text, new RegExp(`<h1><span class="muted">#</span>${name}</h1>`))
  assert.match(page.text, /<p class="topic">Plans &amp; ideas<\/p>/)
  assert.match(page.text, /data-role="owner"/)
  assert.match(page.text, /No messages yet. Say hello!/)
  const other = bob
  assert.deepEqual(listedRooms((await other.get('/rooms')).text).find((r) => r.slug === slug), {
    slug, name, private: false, joined: false,
  })
})

test('a chosen address is used as given, lowercased', async () => {
  const owner = alice
  const slug = uniqueName('addr').replace(/_/g, '-')
  const res = await owner.post('/rooms', { name: 'Anything', slug: slug.toUpperCase(), kind: 'private' })
  assert.equal(res.status, 303)
  assert.equal(res.location, `/rooms/${slug}`)
  const page = await owner.get(res.location)
  assert.match(page.text, /<span class="badge">private<\/span>/)
})

test('creating a room with bad input answers 422 with the messages next to the fields and the input kept', async () => {
  const owner = alice
  const empty = await owner.post('/rooms', { name: '', slug: '', topic: '', kind: 'public' })
  assert.equal(empty.status, 422)
  assert.equal(fieldError(empty.text, 'name'), 'Give the room a name.')
  assert.equal(fieldError(empty.text, 'slug'), 'Use 2 to 40 lowercase letters, digits or dashes.')

  const longName = 'n'.repeat(61)
  const longTopic = 't'.repeat(201)
  const bad = await owner.post('/rooms', { name: longName, slug: 'no spaces!', topic: longTopic, kind: 'secret' })
  assert.equal(bad.status, 422)
  assert.equal(fieldError(bad.text, 'name'), 'Keep the name under 60 characters.')
  assert.equal(fieldError(bad.text, 'slug'), 'Use 2 to 40 lowercase letters, digits or dashes.')
  assert.equal(fieldError(bad.text, 'topic'), 'Keep the topic under 200 characters.')
  assert.equal(fieldError(bad.text, 'kind'), 'Choose public or private.')
  assert.match(inputTag(bad.text, 'name'), new RegExp(`value="${longName}"`))
  assert.match(inputTag(bad.text, 'name'), /aria-invalid="true"/)
  assert.match(inputTag(bad.text, 'slug'), /value="no spaces!"/)
  assert.match(inputTag(bad.text, 'topic'), new RegExp(`value="${longTopic}"`))
  // the room list is still shown above the form
  assert.match(bad.text, /<h1>Rooms<\/h1>/)
  assert.match(bad.text, /href="\/rooms\/lobby"/)
})

test('an address already in use is refused, with the choice kept', async () => {
  const owner = alice
  const res = await owner.post('/rooms', { name: 'Second lobby', slug: 'lobby', kind: 'public' })
  assert.equal(res.status, 422)
  assert.equal(fieldError(res.text, 'slug'), 'A room already has that address.')
  assert.match(inputTag(res.text, 'name'), /value="Second lobby"/)
  const privateChoice = await owner.post('/rooms', { name: '', kind: 'private' })
  assert.match(privateChoice.text, /value="private" checked/)
})

test('sixty rooms at one address at once: one is made, the rest are refused with the choice kept, never a 500', async () => {
  const slug = `same-${uniqueName('r').replace(/_/g, '-')}`
  const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? alice : bob).post('/rooms', { name: `Same ${i}`, slug, kind: 'public' })))
  assert.deepEqual([...new Set(answers.map((r) => r.status))].sort(), [303, 422])
  assert.equal(answers.filter((r) => r.status === 303).length, 1)
  for (const r of answers.filter((r) => r.status === 422)) assert.equal(fieldError(r.text, 'slug'), 'A room already has that address.')
})

test('a private room is listed only for its members; others get the same 404 as for no room at all', async () => {
  const owner = alice
  const outsider = bob
  const slug = await createRoom(owner, { kind: 'private' })
  assert.ok(listedRooms((await owner.get('/rooms')).text).some((r) => r.slug === slug && r.private && r.joined))
  assert.ok(!listedRooms((await outsider.get('/rooms')).text).some((r) => r.slug === slug))

  const hidden = await outsider.get(`/rooms/${slug}`)
  const missing = await outsider.get(`/rooms/${uniqueName('none').replace(/_/g, '-')}`)
  for (const res of [hidden, missing]) {
    assert.equal(res.status, 404)
    assert.match(res.text, /<header class="site">/)
    assert.match(res.text, /<h1>Not found<\/h1>/)
    assert.match(res.text, /There is no room here, or it is private./)
  }
  for (const path of ['members', 'messages']) {
    assert.equal((await outsider.get(`/rooms/${slug}/${path}`)).status, 404, path)
  }
})

test('a guest asking for a room is sent to log in and back', async () => {
  const res = await new Visitor(server).get('/rooms/lobby')
  assert.equal(res.status, 303)
  assert.equal(res.location, '/login?next=%2Frooms%2Flobby')
})

test('a public room can be read by people who have not joined, with a button to join instead of the composer', async () => {
  const owner = alice
  const reader = bob
  const slug = await createRoom(owner)
  const page = await reader.get(`/rooms/${slug}`)
  assert.equal(page.status, 200)
  assert.match(page.text, /data-role=""/)
  assert.doesNotMatch(page.text, /<form id="composer"/)
  assert.match(page.text, new RegExp(`<form class="join" method="post" action="/rooms/${slug}/membership">`))
})

test('a room page does not accept POST', async () => {
  const v = alice
  const res = await v.post('/rooms/lobby', { body: 'hello' })
  assert.equal(res.status, 405)
  assert.match(res.text, /This page does not accept that kind of request./)
})
