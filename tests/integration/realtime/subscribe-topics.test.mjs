// PocketBase's own subscribe endpoint (POST /api/realtime) takes only topics something publishes
// to: Hearth's rooms/<id>, and PocketBase's record topics <collection>/* and <collection>/<id>
// (optionally ?options=<json>) of collections that exist; at most 50 topics of at most 250 bytes.
// Everything else is refused with PocketBase's 400 JSON error. API clients' record subscriptions
// keep working through the JS SDK.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { EventSource } from 'eventsource'
import PocketBase from 'pocketbase'
import { startServer } from '../../helpers/server.mjs'
import { signUp, apiToken, postMessage } from '../../helpers/browserless.mjs'
import { liveAttributes } from '../../helpers/markup.mjs'
import { RawSse, apiRealtimeSubscribe } from '../../helpers/sse.mjs'

let server, visitor, token, lobbyTopic, conn
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_POSTS: '1000/60' } })
  visitor = await signUp(server)
  token = await apiToken(server, visitor.username)
  lobbyTopic = liveAttributes((await visitor.get('/rooms/lobby')).text).topic
  conn = new RawSse(server)
  await conn.connect()
})
after(async () => {
  conn?.close()
  await server?.stop()
})

const subscribe = (topics, options) => apiRealtimeSubscribe(server, conn.clientId, topics, options)
const encoded = (options) => `?options=${encodeURIComponent(JSON.stringify(options))}`
/** sized is a valid record topic with options of exactly n bytes */
function sized(n) {
  const topic = (pad) => `messages/*${encoded({ query: { f: 'y'.repeat(pad) } })}`
  const t = topic(n - topic(0).length)
  assert.equal(t.length, n)
  return t
}

test('refused with 400: more than 50 topics, a topic over 250 bytes, and topics nothing publishes to', async () => {
  const many = Array.from({ length: 51 }, (_, i) => `messages/rec${String(i).padStart(12, '0')}`)
  const cases = [
    ['51 topics', many],
    ['a 251-byte topic', [sized(251)]],
    ['a made-up topic', ['anything']],
    ['a made-up topic with a slash', ['private/secrets']],
    ['a room by its slug', ['rooms/lobby']],
    ['a room id of the wrong shape', ['rooms/ABCDEFGHIJKLMNO']],
    ['a collection that does not exist', ['nosuchthing/*']],
    ['a collection in the wrong case', ['MESSAGES/*']],
    ['a record path with two segments', ['messages/a/b']],
    ['an empty record id', ['messages/']],
    ['a record id the collection would never have', ['messages/short']],
    ['a query other than options', ['messages/*?filter=1']],
    ['options that are not JSON', ['messages/*?options=notjson']],
    ['one bad topic among good ones', [lobbyTopic, 'messages/*', 'bogus']],
  ]
  for (const [label, topics] of cases) {
    const res = await subscribe(topics, { token })
    assert.equal(res.status, 400, `${label}: ${res.text}`)
    const body = JSON.parse(res.text)
    assert.equal(body.status, 400, label)
    assert.equal(typeof body.message, 'string', label)
    assert.ok(body.data?.subscriptions, `${label}: ${res.text}`)
  }
})

test('allowed: Hearth rooms, record topics by collection name or id, with options, up to 50 and 250 bytes, and an empty list', async () => {
  const messages = await postMessage(visitor, 'lobby', 'for a record topic')
  // the messages collection's id, from the record PocketBase returns
  const record = await (await fetch(`${server.url}/api/collections/messages/records/${messages}`, { headers: { Authorization: token } })).json()
  const collectionId = record.collectionId
  assert.ok(collectionId)
  const allowed = [
    [],
    [lobbyTopic],
    ['messages/*'],
    [`messages/${messages}`],
    [`${collectionId}/*`, `${collectionId}/${messages}`],
    ['messages'], // PocketBase's deprecated form, still published to
    [`${lobbyTopic}?options={}`], // also the lobby's record topic in the rooms collection
    [`messages/*${encoded({ query: { filter: `room = "x"` }, headers: {} })}`],
    ['messages/*?options={"query":{"expand":"author"}}'],
    ['users/*', 'rooms/*', 'room_events/*', 'memberships/*'],
    Array.from({ length: 50 }, (_, i) => `messages/rec${String(i).padStart(12, '0')}`),
    [sized(250)],
  ]
  for (const topics of allowed) {
    const res = await subscribe(topics, { token })
    assert.equal(res.status, 204, `${JSON.stringify(topics).slice(0, 80)}: ${res.text}`)
  }
  const guest = new RawSse(server)
  await guest.connect()
  assert.equal((await apiRealtimeSubscribe(server, guest.clientId, [lobbyTopic])).status, 204, 'a guest may subscribe to a room topic (sends are authorized again)')
  guest.close()
})

test("an API client's record subscriptions through the JS SDK still get PocketBase's events", async () => {
  globalThis.EventSource = EventSource
  const pb = new PocketBase(server.url)
  pb.autoCancellation(false)
  pb.authStore.save(token, null)
  const all = []
  const filtered = []
  const one = []
  await pb.collection('messages').subscribe('*', (e) => all.push(e))
  await pb.collection('messages').subscribe('*', (e) => filtered.push(e), { filter: 'body ~ "sdk"' })
  const id = await postMessage(visitor, 'lobby', 'hello from the sdk test')
  await pb.collection('messages').subscribe(id, (e) => one.push(e))
  assert.equal((await visitor.post(`/rooms/lobby/messages/${id}/edit`, { body: 'edited by the sdk test' })).status, 303)
  const deadline = Date.now() + 5000
  while (Date.now() < deadline && !(all.some((e) => e.action === 'update' && e.record.id === id) && filtered.some((e) => e.record.id === id) && one.some((e) => e.action === 'update'))) {
    await new Promise((r) => setTimeout(r, 50))
  }
  assert.ok(all.some((e) => e.action === 'create' && e.record.id === id), 'messages/* got the create')
  assert.ok(all.some((e) => e.action === 'update' && e.record.id === id), 'messages/* got the update')
  assert.ok(filtered.some((e) => e.record.id === id), 'messages/* with a filter option got it')
  assert.ok(one.some((e) => e.action === 'update' && e.record.id === id), `messages/${id} got the update`)
  pb.realtime.unsubscribe()
  await new Promise((r) => setTimeout(r, 100))
  delete globalThis.EventSource
})
