// Unread: each member's read position per room, the counts beside their rooms, the "New messages"
// line, and the live signals on each person's own topic ("me"), which carry nobody else's.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer } from '../../helpers/server.mjs'
import { signUp, createRoom, postMessage, apiToken } from '../../helpers/browserless.mjs'
import { api, roomIdOf } from '../../helpers/admin.mjs'
import { RawSse, apiRealtimeSubscribe, followRoom } from '../../helpers/sse.mjs'

let server
const open = []
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_POSTS: '1000/60' } })
})
after(async () => {
  for (const s of open) s.close()
  await server?.stop()
})

/** a private room of `owner` with `members` in it */
async function roomOf(owner, members, kind = 'private') {
  const slug = await createRoom(owner, { kind })
  for (const m of members) {
    const res = kind === 'private' ? await owner.post(`/rooms/${slug}/members`, { username: m.username }) : await m.post(`/rooms/${slug}/membership`, {})
    assert.equal(res.status, 303)
  }
  return slug
}

/** the unread mark beside a room on the rooms page: its count, whether it mentions, and the link */
async function markOn(visitor, slug) {
  const page = (await visitor.get('/rooms')).text
  const m = page.match(new RegExp(`<a href="(/rooms/${slug}[^"]*)" data-room="[a-z0-9]+">[\\s\\S]*?<span class="unread"[^>]*data-count="(\\d+)"[^>]*>[\\s\\S]*?<span class="mention-mark"( hidden)?>`))
  assert.ok(m, `no unread mark for ${slug}`)
  return { href: m[1], count: Number(m[2]), mentioned: !m[3] }
}

test('new messages from others are counted beside the room until it is opened; my own never are', async () => {
  const [ana, ben] = await Promise.all([signUp(server), signUp(server)])
  const slug = await roomOf(ana, [ben])
  assert.deepEqual(await markOn(ben, slug), { href: `/rooms/${slug}`, count: 0, mentioned: false }, 'a newcomer starts with nothing new')
  const first = await postMessage(ana, slug, 'one')
  await postMessage(ana, slug, 'two')
  await postMessage(ben, slug, 'my own')
  await postMessage(ana, slug, 'three')
  assert.deepEqual(await markOn(ben, slug), { href: `/rooms/${slug}#unread`, count: 3, mentioned: false })
  assert.equal((await markOn(ana, slug)).count, 1, "Ana's count is Ben's one message after her last post")

  const page = await ben.get(`/rooms/${slug}`)
  const line = page.text.indexOf('<li class="unread-line" id="unread">')
  assert.ok(line > 0, 'the room shows "New messages"')
  assert.ok(line < page.text.indexOf(`id="message-${first}"`), '... just before the first new message')
  assert.equal(page.text.match(/class="unread-line"/g).length, 1)
  assert.equal((await markOn(ben, slug)).count, 0, 'opened: read')
  assert.doesNotMatch((await ben.get(`/rooms/${slug}`)).text, /class="unread-line"/, 'and the line is gone next time')

  await postMessage(ana, slug, `a word for @${ben.username}`)
  assert.deepEqual(await markOn(ben, slug), { href: `/rooms/${slug}#unread`, count: 1, mentioned: true }, 'a mention is marked')
  assert.equal((await markOn(ana, slug)).mentioned, false, 'for the person mentioned only')
  await ben.get(`/rooms/${slug}`)
  assert.deepEqual(await markOn(ben, slug), { href: `/rooms/${slug}`, count: 0, mentioned: false })
})

test('the rooms page counts each of my rooms on its own, up to 99+, mentions past the cap included; rooms I have not joined have no count', async () => {
  const [ana, ben] = await Promise.all([signUp(server), signUp(server)])
  const busy = await roomOf(ana, [ben])
  const quiet = await roomOf(ana, [ben])
  const elsewhere = await createRoom(ana, { kind: 'public' })
  for (let i = 0; i < 100; i++) await postMessage(ana, busy, `message ${i}`)
  await postMessage(ana, busy, `the 101st, for @${ben.username}`)
  await postMessage(ana, quiet, 'just one')
  const page = (await ben.get('/rooms')).text
  assert.deepEqual(await markOn(ben, busy), { href: `/rooms/${busy}?at=1#unread`, count: 100, mentioned: true })
  assert.match(page, new RegExp(`href="/rooms/${busy}[^"]*"[^>]*>[\\s\\S]*?<span class="unread-number">99\\+</span>`))
  assert.deepEqual(await markOn(ben, quiet), { href: `/rooms/${quiet}#unread`, count: 1, mentioned: false })
  assert.deepEqual(await markOn(ben, elsewhere), { href: `/rooms/${elsewhere}`, count: 0, mentioned: false })
  assert.match(page, new RegExp(`href="/rooms/${elsewhere}"[^>]*>[\\s\\S]*?</a> <span class="muted">not joined</span>`))
})

test('a room name or topic with control characters or markup cannot break the room list apart', async () => {
  const [ana, ben] = await Promise.all([signUp(server), signUp(server)])
  // the list's rows come from the database as one string with \x1e between rooms and \x1f between values
  const made = await ana.post('/rooms', { name: 'aa \x1ebroken\x1f <b>room</b>', slug: `odd-${Date.now()}`, topic: 'about \x1f\x1e"this" & <that>', kind: 'private' })
  assert.equal(made.status, 303)
  const odd = made.location.replace(/^.*\/rooms\//, '')
  assert.equal((await ana.post(`/rooms/${odd}/members`, { username: ben.username })).status, 303)
  const after = await roomOf(ana, [ben])
  await postMessage(ana, odd, 'one')
  await postMessage(ana, after, 'one')
  await postMessage(ana, after, 'two')
  const page = (await ben.get('/rooms')).text
  assert.match(page, /<span class="muted">#<\/span>aa broken &lt;b&gt;room&lt;\/b&gt;<span class="unread"/, 'shown without the control characters, escaped')
  assert.match(page, /<span class="topic muted">about &quot;this&quot; &amp; &lt;that&gt;<\/span>/)
  assert.equal((await markOn(ben, odd)).count, 1)
  assert.equal((await markOn(ben, after)).count, 2, 'the rooms listed after it are whole')
})

test('more than a page waiting: the link opens the room at the first new message, line and all', async () => {
  const [ana, ben] = await Promise.all([signUp(server), signUp(server)])
  const slug = await roomOf(ana, [ben])
  const ids = []
  for (let i = 0; i < 70; i++) ids.push(await postMessage(ana, slug, `message ${i}`))
  const mark = await markOn(ben, slug)
  assert.equal(mark.count, 70)
  assert.equal(mark.href, `/rooms/${slug}?at=1#unread`)
  const page = await ben.get(mark.href.replace(/#.*/, ''))
  assert.ok(page.text.indexOf('id="unread"') < page.text.indexOf(`id="message-${ids[0]}"`))
  assert.equal((await markOn(ben, slug)).count, 70 - 25, 'only what the page showed is read')
})

test('the read position moves only forward, never past the last message, and is nobody else\'s business', async () => {
  const [ana, ben] = await Promise.all([signUp(server), signUp(server)])
  const slug = await roomOf(ana, [ben])
  for (let i = 0; i < 5; i++) await postMessage(ana, slug, `m${i}`)
  const read = async (number) => ben.post(`/rooms/${slug}/read`, { number })
  assert.equal((await read(2)).status, 200)
  assert.equal((await markOn(ben, slug)).count, 3)
  assert.equal(JSON.parse((await read(1)).text).readNumber, 2, 'not back')
  assert.equal(JSON.parse((await read(999)).text).readNumber, 5, 'not past the last')
  assert.equal((await markOn(ben, slug)).count, 0)
  for (const bad of ['', '-1', 'x', '1e3', '99999999999999999999']) assert.equal((await read(bad)).status, 422, `number=${bad}`)
  const stranger = await signUp(server)
  assert.equal((await stranger.post(`/rooms/${slug}/read`, { number: 1 })).status, 404)

  const roomId = await roomIdOf(ana, slug)
  const listed = await api(server, 'GET', `/api/collections/memberships/records?filter=${encodeURIComponent(`room='${roomId}'`)}`, { token: await apiToken(server, ana.username) })
  assert.equal(listed.status, 200)
  assert.ok(listed.json.items.length === 2 && listed.json.items.every((m) => !('readNumber' in m)), 'the API does not show where someone has read to')
})

test('live, on my own topic: a message in one of my rooms, and my reading in another tab; nobody else\'s', async () => {
  const [ana, ben, cai] = await Promise.all([signUp(server), signUp(server), signUp(server)])
  const slug = await roomOf(ana, [ben])
  const roomId = await roomIdOf(ana, slug)
  const benTab = await followRoom(server, ben, 'me', open)
  const caiTab = await followRoom(server, cai, 'me', open)
  const anaTab = await followRoom(server, ana, 'me', open)
  const caiViaApi = new RawSse(server, {})
  open.push(caiViaApi)
  await caiViaApi.connect()
  assert.equal((await apiRealtimeSubscribe(server, caiViaApi.clientId, ['me'], { token: await apiToken(server, cai.username) })).status, 204)

  await postMessage(ana, slug, 'are you there?')
  await benTab.waitFor((s) => s.named('me').some((e) => e.html.includes('data-signal="activity"')))
  const [activity] = benTab.named('me')
  assert.match(activity.html, new RegExp(`data-room="${roomId}" data-number="1"`))
  assert.equal(activity.seq, undefined, 'no position: a signal, never replayed')

  assert.equal((await ben.post(`/rooms/${slug}/read`, { number: 1 })).status, 200)
  await benTab.waitFor((s) => s.named('me').some((e) => e.html.includes('data-signal="read"')))
  await sleep(300)
  for (const [label, tab] of [['Ana (her own message: the page ignores it)', anaTab]]) {
    assert.ok(!tab.named('me').some((e) => e.html.includes('data-signal="read"')), `${label} is not told Ben read`)
  }
  for (const [label, tab] of [['Cai through Hearth', caiTab], ['Cai through /api/realtime', caiViaApi]]) {
    assert.deepEqual(tab.received(), [], `${label}, outside the private room, hears nothing`)
  }
})
