// sseSend in pages: capture mode (sseSend(topic) sends what the page renders after the call) and
// immediate mode (sseSend(topic, html)), both recorded as room history like every change, and
// filtered sends: ephemeral signals that can only narrow who receives and are never replayed. Runs on a
// copy of pb_hooks with fixture pages. Also the relay's keep-alive, with a short interval.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../../helpers/server.mjs'
import { signUp, createRoom, apiToken } from '../../helpers/browserless.mjs'
import { setTimeout as sleep } from 'node:timers/promises'
import { RawSse, apiRealtimeSubscribe, followRoom } from '../../helpers/sse.mjs'
import { liveAttributes } from '../../helpers/markup.mjs'

const LOAD = `module.exports = (ctx) => ({ room: ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug).room })\n`

const PAGES = {
  // capture: only what follows the call is sent; ?fail=1 makes the page fail after rendering it
  'sse-capture/+get.js': LOAD,
  'sse-capture/[slug].ejs':
    '<p id="before">not captured</p>\n' +
    '<% sseSend(roomTopic(data.room.id)) %>\n' +
    '<p id="captured">hello <%= data.room.slug %></p>\n' +
    '<% if (request.query.fail) throw new HttpError(409, "failed after rendering") %>\n',
  // capture with a filter that admits nobody
  'sse-capture-nobody/+get.js': LOAD,
  'sse-capture-nobody/[slug].ejs': '<% sseSend(roomTopic(data.room.id), (client) => false) %><p id="captured-for-nobody">x</p>',
  // immediate: sent at the call, whatever happens to the page afterwards; shows the recipient count
  'sse-now/+get.js': LOAD,
  'sse-now/[slug].ejs':
    '<p id="before">b</p>\n' +
    '<p id="recipients"><%= sseSend(roomTopic(data.room.id), \'<p id="now">x</p>\') %></p>\n' +
    '<p id="after">a</p>\n' +
    '<% if (request.query.fail) throw new HttpError(409, "failed after sending") %>\n',
  // filters narrow the room's audience and never widen it
  'sse-filter/+get.js': LOAD,
  'sse-filter/[slug].ejs':
    '<p id="nobody"><%= sseSend(roomTopic(data.room.id), \'<p id="for-nobody">n</p>\', (client) => false) %></p>\n' +
    '<p id="everybody"><%= sseSend(roomTopic(data.room.id), \'<p id="for-everybody">e</p>\', (client) => true) %></p>\n' +
    '<p id="me"><%= sseSend(roomTopic(data.room.id), \'<p id="for-me">m</p>\', (client) => { const a = client.get("auth"); return !!a && a.id === user.id }) %></p>\n',
  // a handler (+get.js) sends now; it has no output to capture
  'sse-loader/+get.js': `module.exports = (ctx) => {
  const { room } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const sent = ctx.sseSend(ctx.roomTopic(room.id), '<p id="from-loader">l</p>')
  let refused = ''
  try { ctx.sseSend(ctx.roomTopic(room.id)) } catch (err) { refused = String(err.message) }
  return { room, sent, refused }
}
`,
  'sse-loader/[slug].ejs': '<p id="sent"><%= data.sent %></p><p id="refused"><%= data.refused %></p>',
  // Hearth publishes on rooms/<id> only
  'sse-bad-topic/+get.js': LOAD,
  'sse-bad-topic/[slug].ejs': '<% sseSend("users/" + user.id, "<p>x</p>") %>',
}

let server
let owner, member, reader, outsider
let privateSlug, privateTopic
const open = []

before(async () => {
  server = await startServer({
    env: { HEARTH_LIMIT_POSTS: '100000/60', HEARTH_RELAY_KEEPALIVE_MS: '250' },
    extraPages: PAGES,
  })
  ;[owner, member, reader, outsider] = await Promise.all(Array.from({ length: 4 }, () => signUp(server)))
  privateSlug = await createRoom(owner, { kind: 'private' })
  assert.equal((await owner.post(`/rooms/${privateSlug}/members`, { username: member.username })).status, 303)
  privateTopic = liveAttributes((await owner.get(`/rooms/${privateSlug}`)).text).topic
})
after(async () => {
  for (const s of open) s.close()
  await server?.stop()
})

const following = (visitor, topic) => followRoom(server, visitor, topic, open)

/** publicRoom makes a fresh public room for one test, so no other test's subscribers count. */
async function publicRoom() {
  const slug = await createRoom(owner, { kind: 'public' })
  return { slug, topic: liveAttributes((await owner.get(`/rooms/${slug}`)).text).topic }
}

/** settle waits for a marker event on every connection, then a little longer for stragglers. */
async function settle(connections, slug, topic) {
  // a marker through the same path: an immediate send everyone in the room may receive
  const marker = await owner.get(`/sse-now/${slug}`)
  assert.equal(marker.status, 200)
  await Promise.all(connections.map((c) => c.waitFor((s) => s.named(topic).some((e) => e.html === '<p id="now">x</p>'))))
  await sleep(200)
}

const htmlsOf = (sse, topic) => sse.named(topic).map((e) => e.html)

test('capture mode: subscribers get exactly what the page rendered after sseSend(topic); the response is the whole page', async () => {
  const { slug: publicSlug, topic: publicTopic } = await publicRoom()
  const a = await following(reader, publicTopic)
  const b = await following(member, publicTopic)

  const page = await owner.get(`/sse-capture/${publicSlug}`)
  assert.equal(page.status, 200)
  assert.match(page.text, /^<!doctype html>/)
  assert.match(page.text, /<header class="site">/)
  assert.match(page.text, /<p id="before">not captured<\/p>/)
  assert.match(page.text, new RegExp(`<p id="captured">hello ${publicSlug}</p>`))

  await settle([a, b], publicSlug, publicTopic)
  for (const sse of [a, b]) {
    assert.deepEqual(htmlsOf(sse, publicTopic), [`<p id="captured">hello ${publicSlug}</p>`, '<p id="now">x</p>'])
    const [captured] = sse.named(publicTopic)
    assert.ok(captured.seq > 0 && captured.id, 'a page send is room history: it has a position and an id')
  }
  // recorded in the room's history: catch-up replays it, under the position it went out with
  const catchUp = JSON.parse((await owner.get(`/rooms/${publicSlug}/events?after=0`)).text)
  const replayed = catchUp.events.find((e) => e.html.includes('captured'))
  assert.ok(replayed, 'catch-up replays the captured send')
  assert.equal(replayed.seq, a.named(publicTopic)[0].seq)
})

test('capture mode sends nothing when the page fails before it finishes, or when the filter admits nobody', async () => {
  const { slug: publicSlug, topic: publicTopic } = await publicRoom()
  const a = await following(reader, publicTopic)
  const failed = await owner.get(`/sse-capture/${publicSlug}?fail=1`)
  assert.equal(failed.status, 409)
  const nobody = await owner.get(`/sse-capture-nobody/${publicSlug}`)
  assert.equal(nobody.status, 200)
  assert.match(nobody.text, /<p id="captured-for-nobody">x<\/p>/)
  await settle([a], publicSlug, publicTopic)
  assert.deepEqual(htmlsOf(a, publicTopic), ['<p id="now">x</p>'])
})

test('immediate mode: sseSend(topic, html) sends that html at the call, even if the page fails afterwards', async () => {
  const { slug: publicSlug, topic: publicTopic } = await publicRoom()
  const a = await following(reader, publicTopic)
  const b = await following(member, publicTopic)

  const page = await owner.get(`/sse-now/${publicSlug}`)
  assert.equal(page.status, 200)
  assert.match(page.text, /^<!doctype html>/)
  assert.match(page.text, /<p id="recipients">2<\/p>/, 'two subscribers received it')
  await Promise.all([a, b].map((c) => c.waitFor((s) => s.named(publicTopic).length === 1)))

  const failed = await owner.get(`/sse-now/${publicSlug}?fail=1`)
  assert.equal(failed.status, 409)
  await Promise.all([a, b].map((c) => c.waitFor((s) => s.named(publicTopic).length === 2)))
  await sleep(200)
  for (const sse of [a, b]) assert.deepEqual(htmlsOf(sse, publicTopic), ['<p id="now">x</p>', '<p id="now">x</p>'])
})

test('a loader can send now, but cannot capture', async () => {
  const { slug: publicSlug, topic: publicTopic } = await publicRoom()
  const a = await following(reader, publicTopic)
  const page = await owner.get(`/sse-loader/${publicSlug}`)
  assert.equal(page.status, 200)
  assert.match(page.text, /<p id="sent">1<\/p>/)
  assert.match(page.text, /<p id="refused">sseSend\(topic\) captures page output; in a loader pass the html to send<\/p>/)
  await settle([a], publicSlug, publicTopic)
  assert.deepEqual(htmlsOf(a, publicTopic), ['<p id="from-loader">l</p>', '<p id="now">x</p>'])
})

test('filters narrow the room\'s audience and never widen it', async () => {
  // in the private room: the owner and a member follow it through Hearth; an outsider follows it
  // directly through PocketBase with a token, which Hearth's audience check must still refuse
  const ownerSse = await following(owner, privateTopic)
  const memberSse = await following(member, privateTopic)
  const outsiderSse = new RawSse(server)
  open.push(outsiderSse)
  await outsiderSse.connect()
  const token = await apiToken(server, outsider.username)
  assert.equal((await apiRealtimeSubscribe(server, outsiderSse.clientId, [privateTopic], { token })).status, 204)

  const page = await owner.get(`/sse-filter/${privateSlug}`)
  assert.equal(page.status, 200)
  assert.match(page.text, /<p id="nobody">0<\/p>/)
  assert.match(page.text, /<p id="everybody">2<\/p>/, 'a filter admitting everyone reaches the members only')
  assert.match(page.text, /<p id="me">1<\/p>/)

  await settle([ownerSse, memberSse], privateSlug, privateTopic)
  assert.deepEqual(htmlsOf(ownerSse, privateTopic), ['<p id="for-everybody">e</p>', '<p id="for-me">m</p>', '<p id="now">x</p>'])
  assert.deepEqual(htmlsOf(memberSse, privateTopic), ['<p id="for-everybody">e</p>', '<p id="now">x</p>'])
  assert.deepEqual(outsiderSse.received(), [])
  const replay = JSON.parse((await owner.get(`/rooms/${privateSlug}/events?after=0`)).text)
  assert.ok(!replay.events.some((e) => /for-(me|everybody|nobody)/.test(e.html)), 'filtered sends are ephemeral: never replayed')
  assert.ok(replay.events.some((e) => e.html.includes('<p id="now">')), 'while unfiltered ones are')
})

test('sseSend refuses a topic that is not a room', async () => {
  const res = await owner.get('/sse-bad-topic/lobby')
  assert.equal(res.status, 500)
  assert.match(server.logs(), /sseSend: unknown topic "users\//)
})

test('keep-alive: idle connections get "hearth:ping" events at the configured interval', async () => {
  const { slug: publicSlug, topic: publicTopic } = await publicRoom()
  const idle = new RawSse(server)
  open.push(idle)
  await idle.connect()
  const subscribed = await following(reader, publicTopic)
  await Promise.all([idle, subscribed].map((c) => c.waitFor((s) => s.named('hearth:ping').length >= 2, 3000)))
  for (const c of [idle, subscribed]) {
    assert.deepEqual(c.events.filter((e) => e.name === 'hearth:ping').map((e) => e.data).slice(0, 2), ['{}', '{}'])
  }
  assert.deepEqual(subscribed.named(publicTopic), [], 'pings are not room events')
})
