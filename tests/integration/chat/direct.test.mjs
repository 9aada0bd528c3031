// Direct messages: "Message" opens the one conversation between two people, made once however
// many ask at once; only the two can read it, post in it, subscribe to it, find it or see that it
// exists, through pages, PocketBase's REST API, realtime and search.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer } from '../../helpers/server.mjs'
import { signUp, createRoom, postMessage, apiToken, uniqueText as unique } from '../../helpers/browserless.mjs'
import { api, roomIdOf } from '../../helpers/admin.mjs'
import { RawSse, apiRealtimeSubscribe } from '../../helpers/sse.mjs'
import { liveAttributes, idOf } from '../../helpers/markup.mjs'

let server
let ana, ben, cai
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_CONVERSATIONS: '1000/3600' } })
  ;[ana, ben, cai] = await Promise.all([signUp(server), signUp(server), signUp(server)])
})
after(async () => { await server?.stop() })

/** "Message" on a person: the slug of the conversation it leads to */
async function message(from, to) {
  const res = await from.post(`/people/${to.username}/conversation`, {})
  assert.equal(res.status, 303, res.text.slice(0, 300))
  const m = res.location.match(/^\/rooms\/(dm-[a-z0-9]+)$/)
  assert.ok(m, res.location)
  return m[1]
}

test('"Message" opens one conversation between two people, the same from either side, listed with the other\'s name', async () => {
  const [x, y] = await Promise.all([signUp(server), signUp(server)])
  const members = await x.get('/rooms/lobby/members')
  assert.match(members.text, new RegExp(`action="/people/${y.username}/conversation"`), 'the members page offers "Message"')
  assert.doesNotMatch(members.text, new RegExp(`action="/people/${x.username}/conversation"`), 'not for oneself')

  const profile = await x.get(`/people/${y.username}`)
  assert.match(profile.text, new RegExp(`<form method="post" action="/people/${y.username}/conversation">\\s*<button type="submit">Message</button>`), 'so does their page')
  const slug = await message(x, y)
  assert.equal(await message(x, y), slug, 'again: the same conversation')
  assert.equal(await message(y, x), slug, 'from the other side: the same conversation')

  const id = await postMessage(x, slug, 'hello there')
  const page = await y.get(`/rooms/${slug}`)
  assert.equal(page.status, 200)
  assert.ok(page.text.includes(`message-${id}`))
  assert.match(page.text, new RegExp(`<h1><img[^>]*>${x.username}[^<]*<span class="handle muted">@${x.username}</span></h1>`), 'the room is named after the other person')
  for (const [who, other] of [[x, y], [y, x]]) {
    const rooms = (await who.get('/rooms')).text
    const directs = rooms.slice(rooms.indexOf('<h2>Direct messages</h2>'))
    assert.match(directs, new RegExp(`href="/rooms/${slug}" data-room="[a-z0-9]+"><img[^>]*>${other.username}<span class="unread"`), 'listed under Direct messages')
    const sidebar = (await who.get('/rooms/lobby')).text
    assert.match(sidebar, new RegExp(`<ul aria-label="Direct messages">[\\s\\S]*href="/rooms/${slug}"`))
  }
  assert.equal((await x.post(`/rooms/${slug}/membership`, { leave: '1' })).status, 403, 'nobody leaves a conversation')
  assert.equal((await x.post(`/rooms/${slug}/members`, { username: ana.username })).status, 403, 'nor adds a third person')
})

test('many clicks at once, from both people, make one conversation', async () => {
  const [x, y] = await Promise.all([signUp(server), signUp(server)])
  const slugs = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? message(x, y) : message(y, x))))
  assert.equal(new Set(slugs).size, 1, `one conversation, not ${new Set(slugs).size}`)
  const token = await apiToken(server, x.username)
  const listed = await api(server, 'GET', `/api/collections/rooms/records?filter=${encodeURIComponent("kind='direct'")}&perPage=200`, { token })
  assert.equal(listed.json.items.length, 1)
  const roomId = listed.json.items[0].id
  const memberships = await api(server, 'GET', `/api/collections/memberships/records?filter=${encodeURIComponent(`room='${roomId}'`)}`, { token })
  assert.equal(memberships.json.totalItems, 2)
})

test('a third person cannot read, post in, subscribe to, find or even see a conversation', async () => {
  const slug = await message(ana, ben)
  const secret = unique('between us')
  const topic = liveAttributes((await ana.get(`/rooms/${slug}`)).text).topic
  const roomId = await roomIdOf(ana, slug)

  // pages
  assert.equal((await cai.get(`/rooms/${slug}`)).status, 404)
  assert.equal((await cai.get(`/rooms/${roomId}`)).status, 404)
  assert.equal((await cai.get(`/rooms/${slug}/events?after=0`)).status, 404)
  assert.equal((await cai.get(`/rooms/${slug}/members`)).status, 404)
  assert.equal((await cai.post(`/rooms/${slug}/messages`, { body: 'let me in', nonce: 'x1' })).status, 404)
  assert.equal((await cai.post(`/rooms/${slug}/membership`, {})).status, 404)
  assert.doesNotMatch((await cai.get('/rooms')).text, new RegExp(slug))

  // live: through Hearth's route and PocketBase's own subscribe
  const viaHearth = new RawSse(server, { cookie: cai.cookieHeader() })
  await viaHearth.connect()
  assert.equal((await cai.post('/realtime/subscriptions', { clientId: viaHearth.clientId, topics: topic })).status, 403)
  const caiToken = await apiToken(server, cai.username)
  const direct = new RawSse(server, {})
  await direct.connect()
  assert.equal((await apiRealtimeSubscribe(server, direct.clientId, [topic, 'messages/*', 'rooms/*'], { token: caiToken })).status, 204)
  const benSse = new RawSse(server, { cookie: ben.cookieHeader() })
  await benSse.connect()
  assert.equal((await ben.post('/realtime/subscriptions', { clientId: benSse.clientId, topics: topic })).status, 200)

  const id = await postMessage(ana, slug, secret)
  await benSse.waitFor((s) => s.named(topic).some((e) => idOf(e.html) === `message-${id}`))
  await sleep(300)
  for (const [label, sse] of [['via Hearth', viaHearth], ['via /api/realtime', direct]]) {
    assert.deepEqual(sse.received().filter((e) => e.data.includes(secret) || e.data.includes(roomId)), [], label)
    assert.ok(!sse.closed)
  }
  for (const sse of [viaHearth, direct, benSse]) sse.close()

  // REST
  for (const path of [
    `/api/collections/rooms/records/${roomId}`,
    `/api/collections/messages/records/${id}`,
  ]) assert.equal((await api(server, 'GET', path, { token: caiToken })).status, 404, path)
  for (const path of [
    `/api/collections/rooms/records?filter=${encodeURIComponent("kind='direct'")}`,
    `/api/collections/memberships/records?filter=${encodeURIComponent(`room='${roomId}'`)}`,
    `/api/collections/messages/records?filter=${encodeURIComponent(`room='${roomId}'`)}`,
    `/api/collections/room_events/records?filter=${encodeURIComponent(`room='${roomId}'`)}`,
  ]) {
    const res = await api(server, 'GET', path, { token: caiToken })
    assert.equal(res.status, 200)
    assert.equal(res.json.items.length, 0, path)
  }

  // search
  const word = secret.split(' ').pop()
  assert.doesNotMatch((await cai.get(`/search?q=${word}`)).text, new RegExp(`message-${id}`))
  assert.match((await ben.get(`/search?q=${word}`)).text, new RegExp(`message-${id}`), 'the other person finds it')
})

test('a conversation with nobody is a 404; with oneself is a place for notes; no room form makes one', async () => {
  assert.equal((await ana.post('/people/nobody_here_at_all/conversation', {})).status, 404)
  const notes = await message(ana, ana)
  assert.equal(await message(ana, ana), notes)
  const token = await apiToken(server, ana.username)
  const memberships = await api(server, 'GET', `/api/collections/memberships/records?filter=${encodeURIComponent(`room='${await roomIdOf(ana, notes)}'`)}`, { token })
  assert.equal(memberships.json.totalItems, 1)
  const made = await ana.post('/rooms', { name: 'sneaky', kind: 'direct' })
  assert.equal(made.status, 422)
  assert.equal((await ana.get('/people/x/conversation')).status, 405, 'only a form post opens one')
})

test('starting conversations is limited; opening one that exists is not', async () => {
  const limited = await startServer({ env: { HEARTH_LIMIT_CONVERSATIONS: '2/3600' } })
  try {
    const [p, q, r, s] = await Promise.all([signUp(limited), signUp(limited), signUp(limited), signUp(limited)])
    const first = await p.post(`/people/${q.username}/conversation`, {})
    const second = await p.post(`/people/${r.username}/conversation`, {})
    assert.equal(first.status, 303)
    assert.equal(second.status, 303)
    const refused = await Promise.all(Array.from({ length: 20 }, () => p.post(`/people/${s.username}/conversation`, {})))
    assert.ok(refused.every((res) => res.status === 429), refused.map((res) => res.status).join(' '))
    assert.equal((await p.post(`/people/${q.username}/conversation`, {})).location, first.location, 'an existing one still opens')
  } finally {
    await limited.stop()
  }
})
