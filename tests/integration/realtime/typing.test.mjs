// Typing: "Ana is typing…" reaches the room's other readers at once, never the typist, never anyone
// who may not read the room; it has no position, is never stored and never replayed; and a person
// sends at most a few a minute.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer } from '../../helpers/server.mjs'
import { signUp, createRoom, apiToken } from '../../helpers/browserless.mjs'
import { api, roomIdOf } from '../../helpers/admin.mjs'
import { RawSse, apiRealtimeSubscribe, followRoom } from '../../helpers/sse.mjs'
import { liveAttributes } from '../../helpers/markup.mjs'

let server
let ana, ben, cai
const open = []
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_TYPING: '5/60' } })
  ;[ana, ben, cai] = await Promise.all([signUp(server), signUp(server), signUp(server)])
})
after(async () => {
  for (const s of open) s.close()
  await server?.stop()
})

const follow = (visitor, topic) => followRoom(server, visitor, topic, open)

const typingSignals = (sse, topic) => sse.named(topic).filter((e) => e.html.includes('data-signal="typing"'))

test('the others in the room see who is typing, at once and only then: no position, not stored, not replayed', async () => {
  const slug = await createRoom(ana, { kind: 'private' })
  assert.equal((await ana.post(`/rooms/${slug}/members`, { username: ben.username })).status, 303)
  const topic = liveAttributes((await ana.get(`/rooms/${slug}`)).text).topic
  const [anaTab, benTab] = [await follow(ana, topic), await follow(ben, topic)]
  const outsider = new RawSse(server, {})
  open.push(outsider)
  await outsider.connect()
  assert.equal((await apiRealtimeSubscribe(server, outsider.clientId, [topic], { token: await apiToken(server, cai.username) })).status, 204)

  const res = await ana.post(`/rooms/${slug}/typing`, {})
  assert.equal(res.status, 202)
  await benTab.waitFor((s) => typingSignals(s, topic).length === 1)
  const [signal] = typingSignals(benTab, topic)
  assert.match(signal.html, new RegExp(`data-name="${ana.username}">${ana.username} is typing&hellip;</p>`))
  assert.equal(signal.seq, undefined, 'no position')
  await sleep(300)
  assert.deepEqual(typingSignals(anaTab, topic), [], 'the typist is not told')
  assert.deepEqual(outsider.received(), [], 'someone outside the private room gets nothing')

  const events = JSON.parse((await ana.get(`/rooms/${slug}/events?after=0`)).text).events
  assert.ok(!events.some((e) => e.html.includes('typing')), 'catch-up never replays it')
  const stored = await api(server, 'GET', `/api/collections/room_events/records?filter=${encodeURIComponent(`room='${await roomIdOf(ana, slug)}'`)}&perPage=200`, { token: await apiToken(server, ana.username) })
  assert.ok(!stored.json.items.some((e) => e.html.includes('typing')), 'nor is it stored')
})

test('only members may say they are typing, and a few times a minute', async () => {
  const slug = await createRoom(ana, { kind: 'public' })
  assert.equal((await cai.post(`/rooms/${slug}/typing`, {})).status, 403, 'a reader who has not joined')
  const privateSlug = await createRoom(ana, { kind: 'private' })
  assert.equal((await cai.post(`/rooms/${privateSlug}/typing`, {})).status, 404, 'a private room is not there for outsiders')
  assert.equal((await cai.post(`/rooms/${slug}/typing`, {}, { origin: 'https://evil.example' })).status, 403, 'cross-site')

  const dee = await signUp(server)
  assert.equal((await dee.post(`/rooms/${slug}/membership`, {})).status, 303)
  const topic = liveAttributes((await ben.get(`/rooms/${slug}`)).text).topic
  const benTab = await follow(ben, topic)
  const answers = await Promise.all(Array.from({ length: 30 }, () => dee.post(`/rooms/${slug}/typing`, {})))
  const statuses = answers.map((r) => r.status)
  assert.equal(statuses.filter((s) => s === 202).length, 5, statuses.join(' ')) // HEARTH_LIMIT_TYPING: 5 a minute
  assert.ok(statuses.every((s) => s === 202 || s === 429))
  await sleep(500)
  assert.equal(typingSignals(benTab, topic).length, 5, 'nothing is sent over the limit')
})
