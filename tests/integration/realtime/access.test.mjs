// Who may receive a room's live events, and how Hearth's subscribe route refuses the rest.
// Every connection here is a raw SSE reader that records every event it gets, whatever its name,
// so a leak under any event name would show.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer } from '../../helpers/server.mjs'
import { Visitor, signUp, createRoom, postMessage, apiToken, rawPost, uniqueText as unique } from '../../helpers/browserless.mjs'
import { RawSse, apiRealtimeSubscribe } from '../../helpers/sse.mjs'
import { liveAttributes, idOf } from '../../helpers/markup.mjs'

let server
let owner, member, stranger, otherRoomMember, removed, newcomer
const tokens = new Map()
let slug, topic, otherSlug
const open = []

before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_POSTS: '100000/60' } })
  ;[owner, member, stranger, otherRoomMember, removed, newcomer] = await Promise.all(Array.from({ length: 6 }, () => signUp(server)))
  // REST tokens (password checks are slow, so once each, all at once)
  await Promise.all([member, stranger, otherRoomMember, removed].map(async (v) => tokens.set(v, await apiToken(server, v.username))))
  slug = await createRoom(owner, { kind: 'private' })
  for (const v of [member, removed]) {
    const res = await owner.post(`/rooms/${slug}/members`, { username: v.username })
    assert.equal(res.status, 303, res.text)
  }
  otherSlug = await createRoom(otherRoomMember, { kind: 'private' })
  topic = liveAttributes((await owner.get(`/rooms/${slug}`)).text).topic
})
after(async () => {
  for (const s of open) s.close()
  await server?.stop()
})

/** connection opens a raw SSE stream (with the visitor's cookie, if any). */
async function connection(visitor, options = {}) {
  const sse = new RawSse(server, { cookie: visitor?.cookieHeader(), ...options })
  open.push(sse)
  await sse.connect()
  return sse
}

/** viaHearth subscribes a connection through Hearth's route, as the visitor. */
function viaHearth(visitor, sse, topics) {
  return visitor.post('/realtime/subscriptions', { clientId: sse.clientId, topics: topics.join(' ') })
}

const gotMessage = (id) => (sse) => sse.received().some((e) => e.data.includes(`message-${id}`))

test('a private room\'s events reach its members only, through Hearth\'s route or PocketBase\'s own subscribe', async () => {
  const guest = new Visitor(server)
  const memberToken = tokens.get(member)

  // the member, both ways: these must receive, or the refusals below prove nothing
  const memberViaHearth = await connection(member)
  assert.equal((await viaHearth(member, memberViaHearth, [topic])).status, 200)
  const memberDirect = await connection(null)
  assert.equal((await apiRealtimeSubscribe(server, memberDirect.clientId, [topic], { token: memberToken })).status, 204)

  // outsiders: a guest, someone with no membership, a member of another private room
  const outsiders = []
  {
    const viaRoute = await connection(null)
    const res = await viaHearth(guest, viaRoute, [topic])
    assert.notEqual(res.status, 200)
    assert.ok(res.status === 401 || (res.status === 303 && /^\/login/.test(res.location)), `guest got ${res.status}`)
    const direct = await connection(null)
    assert.equal((await apiRealtimeSubscribe(server, direct.clientId, [topic])).status, 204)
    outsiders.push(['guest via Hearth', viaRoute], ['guest via /api/realtime', direct])
  }
  for (const [label, visitor] of [['non-member', stranger], ['member of another room', otherRoomMember]]) {
    const viaRoute = await connection(visitor)
    assert.equal((await viaHearth(visitor, viaRoute, [topic])).status, 403, `${label} via Hearth`)
    const direct = await connection(visitor)
    assert.equal((await apiRealtimeSubscribe(server, direct.clientId, [topic])).status, 204)
    const directWithToken = await connection(visitor)
    assert.equal((await apiRealtimeSubscribe(server, directWithToken.clientId, [topic], { token: tokens.get(visitor) })).status, 204)
    outsiders.push([`${label} via Hearth`, viaRoute], [`${label} via /api/realtime`, direct], [`${label} via /api/realtime with a token`, directWithToken])
  }

  // a message, its edit and its deletion, and a member-count change
  const id = await postMessage(owner, slug, unique('secret'))
  assert.equal((await owner.post(`/rooms/${slug}/messages/${id}/edit`, { body: unique('still secret') })).status, 303)
  assert.equal((await owner.post(`/rooms/${slug}/messages/${id}/deletion`, {})).status, 303)
  assert.equal((await owner.post(`/rooms/${slug}/members`, { username: newcomer.username })).status, 303)

  for (const sse of [memberViaHearth, memberDirect]) {
    await sse.waitFor((s) => s.named(topic).length >= 4)
    assert.deepEqual(sse.named(topic).map((e) => idOf(e.html)), [`message-${id}`, `message-${id}`, `message-${id}`, 'member-count'])
  }
  await sleep(400)
  for (const [label, sse] of outsiders) {
    assert.deepEqual(sse.received(), [], `${label} must receive nothing`)
    assert.ok(!sse.closed, `${label}'s connection is still open, so it could have received`)
  }
})

test('PocketBase\'s own record events of a private room reach members only', async () => {
  const subs = ['messages/*', 'room_events/*', 'memberships/*', 'rooms/*']
  const memberSse = await connection(null)
  assert.equal((await apiRealtimeSubscribe(server, memberSse.clientId, subs, { token: tokens.get(member) })).status, 204)
  const outsiders = []
  for (const visitor of [null, stranger, otherRoomMember]) {
    const sse = await connection(null)
    assert.equal((await apiRealtimeSubscribe(server, sse.clientId, subs, { token: tokens.get(visitor) })).status, 204)
    outsiders.push([visitor ? visitor.username : 'guest', sse])
  }

  const id = await postMessage(owner, slug, unique('record event'))
  await memberSse.waitFor((s) => s.named('messages/*').some((e) => e.record?.id === id) &&
    s.named('room_events/*').some((e) => e.record?.html?.includes(`message-${id}`)))
  await sleep(400)
  for (const [label, sse] of outsiders) assert.deepEqual(sse.received(), [], `${label} must receive nothing`)
})

test('a member removed by the owner received the room\'s events before, then the notice of the removal, and nothing after', async () => {
  const viaRoute = await connection(removed)
  assert.equal((await viaHearth(removed, viaRoute, [topic])).status, 200)
  const direct = await connection(null)
  assert.equal((await apiRealtimeSubscribe(server, direct.clientId, [topic], { token: tokens.get(removed) })).status, 204)
  const witness = await connection(member)
  assert.equal((await viaHearth(member, witness, [topic])).status, 200)

  const before = await postMessage(owner, slug, unique('before removal'))
  for (const sse of [viaRoute, direct, witness]) await sse.waitFor(gotMessage(before))

  const removal = await owner.post(`/rooms/${slug}/members/${removed.username}/removal`, {})
  assert.equal(removal.status, 303, removal.text)
  const afterRemoval = await postMessage(owner, slug, unique('after removal'))
  await witness.waitFor(gotMessage(afterRemoval))
  await sleep(400)

  assert.deepEqual(witness.named(topic).map((e) => idOf(e.html)), [`message-${before}`, 'member-count', `message-${afterRemoval}`])
  for (const sse of [viaRoute, direct]) {
    const got = sse.received().map((e) => JSON.parse(e.data))
    assert.deepEqual(got.map((e) => idOf(e.html)), [`message-${before}`, 'room-closed'], 'the message from before the removal, then the notice of it')
    const notice = got[1]
    assert.equal(notice.seq, undefined, 'the notice has no position: it is not room history')
    assert.match(notice.html, /You were removed from this room/)
    assert.doesNotMatch(notice.html, /message-|member-count/, 'and carries nothing of the room')
  }
  assert.ok(!witness.named(topic).some((e) => idOf(e.html) === 'room-closed'), 'the others are not told')
  // and Hearth will not let them back in
  assert.equal((await viaHearth(removed, viaRoute, [topic])).status, 403)
  assert.equal((await removed.get(`/rooms/${slug}/events?after=0`)).status, 404)
})

test('the subscribe route refuses unknown connections, unreadable and unknown topics, guests and too many topics', async () => {
  const lobbyTopic = liveAttributes((await stranger.get('/rooms/lobby')).text).topic
  const sse = await connection(stranger)

  const unknown = await stranger.post('/realtime/subscriptions', { clientId: 'nosuchclient123', topics: lobbyTopic })
  assert.equal(unknown.status, 404)

  assert.equal((await viaHearth(stranger, sse, [topic])).status, 403, 'a private room of others')
  assert.equal((await viaHearth(stranger, sse, [lobbyTopic, topic])).status, 403, 'one unreadable topic refuses all')
  const otherTopic = liveAttributes((await otherRoomMember.get(`/rooms/${otherSlug}`)).text).topic
  assert.equal((await viaHearth(stranger, sse, [otherTopic])).status, 403)
  for (const t of ['messages/*', 'users/*', 'rooms/*', 'room_events/*', `${lobbyTopic}x`, `${lobbyTopic}?options={}`, 'PB_CONNECT', 'hearth:ping']) {
    assert.equal((await viaHearth(stranger, sse, [t])).status, 403, t)
  }
  assert.equal((await viaHearth(stranger, sse, Array(21).fill(lobbyTopic))).status, 422, 'at most 20 topics')

  const guest = new Visitor(server)
  const guestSse = await connection(null)
  const asGuest = await viaHearth(guest, guestSse, [lobbyTopic])
  assert.notEqual(asGuest.status, 200)

  // the refused attempts subscribed nothing: a public message reaches only the accepted subscription
  const accepted = await connection(stranger)
  assert.equal((await viaHearth(stranger, accepted, [lobbyTopic])).status, 200)
  const id = await postMessage(stranger, 'lobby', unique('lobby'))
  await accepted.waitFor(gotMessage(id))
  await sleep(300)
  assert.deepEqual(sse.received(), [])
  assert.deepEqual(guestSse.received(), [])
})

test('the subscribe route refuses a connection that belongs to someone else', async () => {
  const lobbyTopic = liveAttributes((await member.get('/rooms/lobby')).text).topic
  const sse = await connection(member)
  assert.equal((await viaHearth(member, sse, [lobbyTopic])).status, 200)
  // another signed-in person who learns the client id cannot take the connection over
  assert.equal((await viaHearth(stranger, sse, [lobbyTopic])).status, 403)
  // nor can they attach it to themselves through PocketBase's own endpoint
  assert.equal((await apiRealtimeSubscribe(server, sse.clientId, [topic], { token: tokens.get(stranger) })).status, 403)
})

test('the subscribe route refuses a connection opened from another address', async () => {
  const lobbyTopic = liveAttributes((await stranger.get('/rooms/lobby')).text).topic
  const elsewhere = await connection(stranger, { localAddress: '127.0.0.2' })
  const here = await rawPost(server, '/realtime/subscriptions', { clientId: elsewhere.clientId, topics: lobbyTopic }, { cookie: stranger.cookieHeader(), localAddress: '127.0.0.1' })
  assert.equal(here.status, 403, here.text)

  const id = await postMessage(stranger, 'lobby', unique('not for the hijacked connection'))
  // from its own address the same request is accepted, so the 403 above was about the address
  const control = await connection(stranger, { localAddress: '127.0.0.2' })
  const there = await rawPost(server, '/realtime/subscriptions', { clientId: control.clientId, topics: lobbyTopic }, { cookie: stranger.cookieHeader(), localAddress: '127.0.0.2' })
  assert.equal(there.status, 200, there.text)
  const next = await postMessage(stranger, 'lobby', unique('for the control'))
  await control.waitFor(gotMessage(next))
  await sleep(300)
  assert.deepEqual(elsewhere.received(), [], `the refused connection got nothing (${id})`)
})
