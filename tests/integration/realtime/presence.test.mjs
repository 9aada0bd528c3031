// Presence: a room's "Here now" shows who has it open, by person, on the page (as of its
// rendering, JavaScript or not) and live, a moment after someone arrives or leaves (closing the
// tab, logging out, being removed). It reaches the room's followers only, has no position, is
// never stored or replayed, and someone outside a private room neither sees it nor counts in it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer } from '../../helpers/server.mjs'
import { signUp, createRoom, apiToken, logIn } from '../../helpers/browserless.mjs'
import { api, roomIdOf } from '../../helpers/admin.mjs'
import { RawSse, apiRealtimeSubscribe, followRoom } from '../../helpers/sse.mjs'
import { liveAttributes, hereNow } from '../../helpers/markup.mjs'

let server
const open = []
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_SIGNUPS: '100/3600' } })
})
after(async () => {
  for (const s of open) s.close()
  await server?.stop()
})

const follow = (visitor, topic) => followRoom(server, visitor, topic, open)
const sorted = (...visitors) => visitors.map((v) => v.username).sort()
// the page's "Here now", as rendered for this visitor now
const pageList = async (visitor, slug) => hereNow((await visitor.get(`/rooms/${slug}`)).text)
// the newest "Here now" a tab received
const latest = (sse, topic) => {
  const lists = sse.presence(topic)
  return lists.length ? hereNow(lists[lists.length - 1].html) : null
}
// waits until the tab's newest "Here now" names exactly these people (within the couple of seconds promised)
const shows = (sse, topic, names) => sse.waitFor(() => JSON.stringify(latest(sse, topic)?.names) === JSON.stringify(names), 2000)

async function privateRoomOf(owner, ...members) {
  const slug = await createRoom(owner, { kind: 'private' })
  for (const m of members) assert.equal((await owner.post(`/rooms/${slug}/members`, { username: m.username })).status, 303)
  return { slug, topic: liveAttributes((await owner.get(`/rooms/${slug}`)).text).topic }
}

test('arriving shows a person to everyone in the room, on the page and live; a second tab counts once', async () => {
  const [ana, ben] = await Promise.all([signUp(server), signUp(server)])
  const slug = await createRoom(ana)
  const { topic } = liveAttributes((await ana.get(`/rooms/${slug}`)).text)
  assert.deepEqual(await pageList(ben, slug), { count: 0, names: [], text: 'Here now: nobody' }, 'nobody has it open yet')

  const anaTab = await follow(ana, topic)
  await shows(anaTab, topic, [ana.username])
  const benTab = await follow(ben, topic)
  await Promise.all([shows(anaTab, topic, sorted(ana, ben)), shows(benTab, topic, sorted(ana, ben))])
  const [event] = benTab.presence(topic)
  assert.equal(event.seq, undefined, 'no position')
  assert.equal(event.id, undefined)

  const anaAgain = await follow(ana, topic) // another tab of Ana's
  await shows(anaAgain, topic, sorted(ana, ben)) // it is told the list as it is
  assert.deepEqual((await pageList(ben, slug)).names, sorted(ana, ben), 'the page, without JavaScript, names each person once')
  await sleep(800)
  assert.equal(benTab.presence(topic).length, 1, 'a second tab of someone already here changes nothing for the others')
})

test('leaving: closing every tab, logging out, or following other rooms takes a person off the list', async () => {
  const [ana, ben, cai] = await Promise.all([signUp(server), signUp(server), signUp(server)])
  const slug = await createRoom(ana)
  const other = await createRoom(ana)
  const { topic } = liveAttributes((await ana.get(`/rooms/${slug}`)).text)
  const otherTopic = liveAttributes((await ana.get(`/rooms/${other}`)).text).topic
  const anaTab = await follow(ana, topic)
  const [benTab1, benTab2] = [await follow(ben, topic), await follow(ben, topic)]
  const caiTab = await follow(cai, topic)
  await shows(anaTab, topic, sorted(ana, ben, cai))

  benTab1.close()
  await sleep(1000)
  assert.deepEqual(latest(anaTab, topic).names, sorted(ana, ben, cai), 'Ben still has a tab open')
  benTab2.close()
  const closedAt = performance.now()
  await shows(anaTab, topic, sorted(ana, cai))
  assert.ok(performance.now() - closedAt < 2000)

  assert.equal((await cai.post('/logout', {})).status, 303)
  await shows(anaTab, topic, [ana.username])
  assert.ok(caiTab.closed, "logging out ended Cai's connection")

  // the same connection following another room instead
  assert.equal((await ana.post('/realtime/subscriptions', { clientId: anaTab.clientId, topics: otherTopic })).status, 200)
  await anaTab.waitFor(() => latest(anaTab, otherTopic)?.names[0] === ana.username, 2000)
  assert.deepEqual((await pageList(ana, slug)).names, [])
})

test('someone removed from a private room leaves its list at once and hears no more of it', async () => {
  const [owner, ben, dee] = await Promise.all([signUp(server), signUp(server), signUp(server)])
  const { slug, topic } = await privateRoomOf(owner, ben, dee)
  const ownerTab = await follow(owner, topic)
  const benTab = await follow(ben, topic)
  await Promise.all([shows(ownerTab, topic, sorted(owner, ben)), shows(benTab, topic, sorted(owner, ben))])

  assert.equal((await owner.post(`/rooms/${slug}/members/${ben.username}/removal`, {})).status, 303)
  await shows(ownerTab, topic, [owner.username])
  assert.deepEqual((await pageList(owner, slug)).names, [owner.username])
  await benTab.waitFor((s) => s.named(topic).some((e) => e.html.includes('room-closed')))
  const heard = benTab.presence(topic).length

  await follow(dee, topic)
  await shows(ownerTab, topic, sorted(owner, dee))
  await sleep(300)
  assert.equal(benTab.presence(topic).length, heard, 'Ben is not told who arrives after his removal')
  // and his tab cannot follow the room again
  assert.equal((await ben.post('/realtime/subscriptions', { clientId: benTab.clientId, topics: topic })).status, 403)
})

test("a private room's presence: outsiders neither see it (page, Hearth's route, PocketBase's endpoint) nor count in it", async () => {
  const [owner, member, outsider] = await Promise.all([signUp(server), signUp(server), signUp(server)])
  const { slug, topic } = await privateRoomOf(owner, member)
  const ownerTab = await follow(owner, topic)
  await shows(ownerTab, topic, [owner.username])

  // the page and Hearth's subscribe route refuse the outsider
  assert.equal((await outsider.get(`/rooms/${slug}`)).status, 404)
  const viaRoute = new RawSse(server, { cookie: outsider.cookieHeader() })
  open.push(viaRoute)
  await viaRoute.connect()
  assert.equal((await outsider.post('/realtime/subscriptions', { clientId: viaRoute.clientId, topics: topic })).status, 403)
  // PocketBase's own endpoint takes the topic, but it counts for nothing and carries nothing
  const direct = new RawSse(server, {})
  open.push(direct)
  await direct.connect()
  assert.equal((await apiRealtimeSubscribe(server, direct.clientId, [topic], { token: await apiToken(server, outsider.username) })).status, 204)
  // a guest's connection cannot follow at all
  const guest = new RawSse(server, {})
  open.push(guest)
  await guest.connect()
  assert.equal((await apiRealtimeSubscribe(server, guest.clientId, [topic])).status, 204)

  await follow(member, topic) // a change the outsiders would hear of
  await shows(ownerTab, topic, sorted(owner, member))
  await sleep(800)
  assert.deepEqual(latest(ownerTab, topic).names, sorted(owner, member), 'neither outsider counts')
  for (const sse of [viaRoute, direct, guest]) {
    assert.deepEqual(sse.events.filter((e) => e.name !== 'PB_CONNECT').map((e) => e.name), [], 'an outsider gets nothing at all')
  }
  // a member following through PocketBase's endpoint (a REST token) does not count either: only tabs do
  const apiMember = new RawSse(server, {})
  open.push(apiMember)
  await apiMember.connect()
  const other = await signUp(server)
  assert.equal((await owner.post(`/rooms/${slug}/members`, { username: other.username })).status, 303)
  assert.equal((await apiRealtimeSubscribe(server, apiMember.clientId, [topic], { token: await apiToken(server, other.username) })).status, 204)
  await sleep(800)
  assert.deepEqual((await pageList(owner, slug)).names, sorted(owner, member))
  assert.deepEqual(apiMember.presence(topic), [])
})

test('presence is never stored, never given a position, never replayed by catch-up', async () => {
  const [ana, ben] = await Promise.all([signUp(server), signUp(server)])
  const slug = await createRoom(ana)
  const { topic, position } = liveAttributes((await ana.get(`/rooms/${slug}`)).text)
  const anaTab = await follow(ana, topic)
  const benTab = await follow(ben, topic)
  await shows(anaTab, topic, sorted(ana, ben))
  benTab.close()
  await shows(anaTab, topic, [ana.username])
  assert.ok(anaTab.presence(topic).every((e) => e.seq === undefined))

  const events = JSON.parse((await ana.get(`/rooms/${slug}/events?after=0`)).text).events
  assert.ok(!events.some((e) => e.html.includes('presence')), 'catch-up never replays it')
  const stored = await api(server, 'GET', `/api/collections/room_events/records?filter=${encodeURIComponent(`room='${await roomIdOf(ana, slug)}'`)}&perPage=200`, { token: await apiToken(server, ana.username) })
  assert.ok(!stored.json.items.some((e) => e.html.includes('presence')), 'nor is it stored')
  assert.equal(liveAttributes((await ana.get(`/rooms/${slug}`)).text).position, position, 'the room has no new position')
})
