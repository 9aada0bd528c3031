// Every rate limit is an admin's setting on /admin/settings: set, it holds at the next request,
// however many requests come at once (each still reserves its slot atomically); emptied, the
// environment's default is back. Only admins change it, and a bad value is kept and explained.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServerWithSuperuser, api, roomIdOf } from '../../helpers/admin.mjs'
import { Visitor, signUp, createRoom, postMessage, apiToken, uniqueName, nonce, PASSWORD } from '../../helpers/browserless.mjs'
import { RawSse, apiRealtimeSubscribe } from '../../helpers/sse.mjs'
import { fieldError, inputTag, liveAttributes } from '../../helpers/markup.mjs'

const BASE = { registration: 'open' }
// the environment's defaults here, high enough that only an admin's setting refuses anything
const ENV = {
  HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_FAILED_LOGINS: '1000/600', HEARTH_LIMIT_EDITS: '1000/60',
  HEARTH_LIMIT_REACTIONS: '1000/60', HEARTH_LIMIT_MEMBERSHIPS: '1000/60', HEARTH_LIMIT_ROOMS: '1000/3600',
  HEARTH_LIMIT_CONVERSATIONS: '1000/3600', HEARTH_LIMIT_TYPING: '1000/60', HEARTH_LIMIT_SUBSCRIPTIONS: '1000/60',
  HEARTH_LIMIT_REALTIME_SUBSCRIBES: '1000/60', HEARTH_LIMIT_POSTS: '1000/60',
}
let server, admin, alice

before(async () => {
  server = await startServerWithSuperuser({ env: ENV })
  admin = new Visitor(server)
  admin.username = uniqueName('admin')
  assert.equal((await admin.post('/setup', { username: admin.username, password: PASSWORD, passwordConfirm: PASSWORD })).status, 303)
  alice = await signUp(server)
})
after(async () => { await server?.stop() })

const change = async (values) => {
  const res = await admin.post('/admin/settings', { ...BASE, ...values })
  assert.equal(res.status, 303, res.text.slice(0, 300))
}

/** all sends n requests at once and counts their answers by status. */
async function all(n, send) {
  const statuses = await Promise.all(Array.from({ length: n }, (_, i) => send(i).then((r) => r.status)))
  const counts = {}
  for (const s of statuses) counts[s] = (counts[s] || 0) + 1
  return counts
}

test('the settings page offers every rate limit, each with its default as the placeholder', async () => {
  const page = (await admin.get('/admin/settings')).text
  for (const [field, placeholder] of [
    ['limitPosts', '1000/60'], ['limitEdits', '1000/60'], ['limitReactions', '1000/60'], ['limitSignups', '1000/3600'],
    ['limitFailedLogins', '1000/600'], ['limitMemberships', '1000/60'], ['limitRooms', '1000/3600'],
    ['limitConversations', '1000/3600'], ['limitTyping', '1000/60'], ['limitSubscriptions', '1000/60'],
    ['limitRealtimeSubscribes', '1000/60'],
  ]) {
    assert.match(inputTag(page, field), new RegExp(`placeholder="${placeholder}"`), field)
  }
})

test('a non-admin cannot change a limit; a bad one answers 422 with every value kept', async () => {
  assert.equal((await alice.post('/admin/settings', { ...BASE, limitEdits: '1/600' })).status, 403)
  assert.equal((await admin.post('/admin/settings', { ...BASE, limitEdits: '1/600' }, { origin: 'https://evil.example' })).status, 403)
  const bad = await admin.post('/admin/settings', { ...BASE, limitEdits: '5/0', limitTyping: 'fast', limitRooms: '2/3600' })
  assert.equal(bad.status, 422)
  assert.match(fieldError(bad.text, 'limitEdits'), /uses\/seconds/)
  assert.match(fieldError(bad.text, 'limitTyping'), /uses\/seconds/)
  assert.equal(fieldError(bad.text, 'limitRooms'), null)
  assert.match(inputTag(bad.text, 'limitTyping'), /value="fast"/)
  assert.match(inputTag(bad.text, 'limitRooms'), /value="2\/3600"/)
  assert.match(inputTag((await admin.get('/admin/settings')).text, 'limitRooms'), /value=""/, 'nothing saved')
  const token = await apiToken(server, alice.username)
  const rows = await api(server, 'GET', '/api/collections/settings/records', { token })
  assert.equal(rows.json.items.length, 0, 'the settings stay unreadable through the API for people')
})

test('edits: 100 at once under an admin\'s 3 per 10 minutes, exactly 3 saved; emptied, the default is back', async () => {
  const slug = await createRoom(alice)
  const id = await postMessage(alice, slug, 'to be edited')
  await change({ limitEdits: '3/600' })
  assert.deepEqual(await all(100, (i) => alice.post(`/rooms/${slug}/messages/${id}/edit`, { body: `edit ${i}` })), { 303: 3, 429: 97 })
  await change({})
  assert.equal((await alice.post(`/rooms/${slug}/messages/${id}/edit`, { body: 'edit again' })).status, 303)
})

test('failed log-ins: 60 wrong passwords at once under 2 per 10 minutes, exactly 2 checked', async () => {
  await change({ limitFailedLogins: '2/600' })
  const counts = await all(60, () => new Visitor(server).post('/login', { username: alice.username, password: 'wrong-password-here' }))
  assert.deepEqual(counts, { 422: 2, 429: 58 })
  await change({})
  assert.equal((await new Visitor(server).post('/login', { username: alice.username, password: PASSWORD })).status, 303)
})

test('reactions, rooms, memberships, conversations, typing and subscriptions each obey their setting at once', async () => {
  const bob = await signUp(server)
  const slug = await createRoom(alice)
  assert.equal((await bob.post(`/rooms/${slug}/membership`, {})).status, 303)
  const id = await postMessage(alice, slug, 'react to me')
  const topic = liveAttributes((await bob.get(`/rooms/${slug}`)).text).topic
  const sse = new RawSse(server, { cookie: bob.cookieHeader() })
  await sse.connect()
  const others = await Promise.all([signUp(server), signUp(server), signUp(server)])
  const rooms = await Promise.all([createRoom(alice), createRoom(alice), createRoom(alice)])
  const carl = await signUp(server) // has joined nothing yet this window
  // [field, requests at once, send]: each setting is 2 uses in 10 minutes
  const emoji = ['👍', '❤️', '😂', '🎉', '😮', '👀']
  const cases = [
    ['limitReactions', 6, (i) => bob.post(`/rooms/${slug}/messages/${id}/reactions`, { emoji: emoji[i % 6] })],
    ['limitRooms', 30, (i) => bob.post('/rooms', { name: `burst ${i} ${nonce()}`, kind: 'public' })],
    ['limitMemberships', 30, (i) => carl.post(`/rooms/${rooms[i % 3]}/membership`, {})],
    // opening a conversation that exists is free: one new person each
    ['limitConversations', 3, (i) => bob.post(`/people/${others[i % 3].username}/conversation`, {})],
    ['limitTyping', 30, () => bob.post(`/rooms/${slug}/typing`, {})],
    ['limitSubscriptions', 30, () => bob.post('/realtime/subscriptions', { clientId: sse.clientId, topics: topic })],
  ]
  try {
    for (const [field, n, send] of cases) {
      await change({ [field]: '2/600' })
      const counts = await all(n, send)
      assert.equal(counts[429], n - 2, `${field}: ${JSON.stringify(counts)}`)
      await change({})
      assert.notEqual((await send(n - 1)).status, 429, `${field}: the default is back`)
    }
  } finally {
    sse.close()
  }
})

test('PocketBase\'s own realtime subscribe follows its setting too (taken in Go)', async () => {
  const lobby = liveAttributes((await alice.get('/rooms/lobby')).text).topic
  const sse = new RawSse(server)
  await sse.connect()
  try {
    await change({ limitRealtimeSubscribes: '3/600' })
    const answers = await Promise.all(Array.from({ length: 40 }, () => apiRealtimeSubscribe(server, sse.clientId, [lobby])))
    const statuses = answers.map((a) => a.status)
    assert.equal(statuses.filter((s) => s === 429).length, 37, statuses.join(' '))
    await change({})
    assert.equal((await apiRealtimeSubscribe(server, sse.clientId, [lobby])).status, 204)
  } finally {
    sse.close()
  }
})

test('the sign-up and post limits still hold from the same settings', async () => {
  const poster = await signUp(server)
  const slug = await createRoom(poster)
  await change({ limitPosts: '4/600' })
  assert.deepEqual(await all(50, (i) => poster.post(`/rooms/${slug}/messages`, { body: `burst ${i}`, nonce: nonce() })), { 303: 4, 429: 46 })
  await change({ limitSignups: '0/600' })
  assert.equal((await new Visitor(server).post('/signup', { username: uniqueName(), password: PASSWORD, passwordConfirm: PASSWORD })).status, 429)
  await change({})
  await signUp(server)
  assert.ok(await roomIdOf(poster, slug))
})
