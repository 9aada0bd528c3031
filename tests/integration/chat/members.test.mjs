// Who is in a room: joining and leaving public rooms, and owners adding and removing people.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { startServer } from '../../helpers/server.mjs'
import { signUp, createRoom, postMessage, apiToken, uniqueName } from '../../helpers/browserless.mjs'
import { fieldError, messageIds } from '../../helpers/markup.mjs'
import { api, roomIdOf } from '../../helpers/admin.mjs'

let server
// the same three people throughout (sign-ups are slow); each test makes its own rooms
let alice, bob, carol
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_MEMBERSHIPS: '1000/60' } })
  ;[alice, bob, carol] = await Promise.all([signUp(server), signUp(server), signUp(server)])
})
after(async () => { await server?.stop() })

/** the usernames on a room's members page, with their roles */
async function membersOf(visitor, slug) {
  const page = await visitor.get(`/rooms/${slug}/members`)
  assert.equal(page.status, 200)
  return Object.fromEntries([...page.text.matchAll(/<li id="member-([a-z0-9_]+)">([\s\S]*?)<\/li>/g)].map((m) => [
    m[1],
    m[2].includes('<span class="badge">owner</span>') ? 'owner' : 'member',
  ]))
}

test('joining a public room makes the composer appear and puts the person on the members page', async () => {
  const owner = alice
  const joiner = bob
  const slug = await createRoom(owner)
  assert.deepEqual(await membersOf(joiner, slug), { [owner.username]: 'owner' })
  const res = await joiner.post(`/rooms/${slug}/membership`, {})
  assert.equal(res.status, 303)
  assert.equal(res.location, `/rooms/${slug}`)
  const page = await joiner.get(`/rooms/${slug}`)
  assert.match(page.text, /<form id="composer"/)
  assert.doesNotMatch(page.text, /<form class="join"/)
  assert.deepEqual(await membersOf(joiner, slug), { [owner.username]: 'owner', [joiner.username]: 'member' })
  // joining twice changes nothing
  assert.equal((await joiner.post(`/rooms/${slug}/membership`, {})).status, 303)
  assert.equal(Object.keys(await membersOf(owner, slug)).length, 2)
  // the membership address itself leads to the room
  assert.equal((await joiner.get(`/rooms/${slug}/membership`)).location, `/rooms/${slug}`)
})

test('a private room cannot be joined by someone outside it: it is a 404', async () => {
  const owner = alice
  const outsider = bob
  const slug = await createRoom(owner, { kind: 'private' })
  const res = await outsider.post(`/rooms/${slug}/membership`, {})
  assert.equal(res.status, 404)
  assert.deepEqual(await membersOf(owner, slug), { [owner.username]: 'owner' })
})

test('leaving a public room takes the person off its members and back to the room list', async () => {
  const owner = alice
  const leaver = bob
  const slug = await createRoom(owner)
  await leaver.post(`/rooms/${slug}/membership`, {})
  const members = await leaver.get(`/rooms/${slug}/members`)
  assert.match(members.text, /<input type="hidden" name="leave" value="1">/)
  const res = await leaver.post(`/rooms/${slug}/membership`, { leave: '1' })
  assert.equal(res.status, 303)
  assert.equal(res.location, '/rooms')
  assert.deepEqual(await membersOf(owner, slug), { [owner.username]: 'owner' })
  const page = await leaver.get(`/rooms/${slug}`)
  assert.doesNotMatch(page.text, /<form id="composer"/)
  assert.equal((await leaver.post(`/rooms/${slug}/messages`, { body: 'still here?', nonce: 'n1' })).status, 403)
})

test('the owner cannot leave their room', async () => {
  const owner = alice
  const slug = await createRoom(owner)
  const res = await owner.post(`/rooms/${slug}/membership`, { leave: '1' })
  assert.equal(res.status, 403)
  assert.match(res.text, /The owner cannot leave the room./)
  assert.deepEqual(await membersOf(owner, slug), { [owner.username]: 'owner' })
})

test('the owner adds someone by username (any case, with or without @), who can then read and post', async () => {
  const owner = alice
  const friend = bob
  const slug = await createRoom(owner, { kind: 'private' })
  assert.equal((await friend.get(`/rooms/${slug}`)).status, 404)
  const page = await owner.get(`/rooms/${slug}/members`)
  assert.match(page.text, new RegExp(`<form method="post" action="/rooms/${slug}/members" novalidate>`))
  const res = await owner.post(`/rooms/${slug}/members`, { username: ` @${friend.username.toUpperCase()} ` })
  assert.equal(res.status, 303)
  assert.equal(res.location, `/rooms/${slug}/members`)
  assert.deepEqual(await membersOf(owner, slug), { [owner.username]: 'owner', [friend.username]: 'member' })
  assert.equal((await friend.get(`/rooms/${slug}`)).status, 200)
  const id = await postMessage(friend, slug, 'thanks for adding me')
  assert.deepEqual(messageIds((await owner.get(`/rooms/${slug}`)).text), [id])
})

test('a hundred joins, leaves, adds and removals of the same person at once: one membership or none, never a 500', async () => {
  const slug = await createRoom(alice, { kind: 'public' })
  const statuses = async (requests) => [...new Set((await Promise.all(requests)).map((r) => r.status))].sort()
  const hundred = (fn) => Array.from({ length: 100 }, (_, i) => fn(i))
  assert.deepEqual(await statuses(hundred(() => bob.post(`/rooms/${slug}/membership`, {}))), [303])
  assert.deepEqual(await membersOf(alice, slug), { [alice.username]: 'owner', [bob.username]: 'member' })
  assert.deepEqual(await statuses(hundred((i) => bob.post(`/rooms/${slug}/membership`, i % 2 ? {} : { leave: '1' }))), [303])
  assert.deepEqual(await statuses(hundred(() => bob.post(`/rooms/${slug}/membership`, { leave: '1' }))), [303])
  assert.deepEqual(await membersOf(alice, slug), { [alice.username]: 'owner' })
  // the owner adds carol a hundred times at once: one is added, the rest hear she is a member
  const adds = await statuses(hundred(() => alice.post(`/rooms/${slug}/members`, { username: carol.username })))
  assert.ok(adds.every((s) => s === 303 || s === 422), `adds: ${adds}`)
  assert.deepEqual(await membersOf(alice, slug), { [alice.username]: 'owner', [carol.username]: 'member' })
  const removals = await statuses(hundred(() => alice.post(`/rooms/${slug}/members/${carol.username}/removal`, {})))
  assert.ok(removals.every((s) => s === 303 || s === 404), `removals: ${removals}`)
  assert.deepEqual(await membersOf(alice, slug), { [alice.username]: 'owner' })
})

test('adding an unknown, empty or existing username answers 422 with the message by the field and the input kept', async () => {
  const owner = alice
  const slug = await createRoom(owner, { kind: 'private' })
  const ghost = uniqueName('ghost')
  const unknown = await owner.post(`/rooms/${slug}/members`, { username: ghost })
  assert.equal(unknown.status, 422)
  assert.equal(fieldError(unknown.text, 'username'), `Nobody is called ${ghost}.`)
  assert.match(unknown.text, new RegExp(`<input id="username" name="username" required value="${ghost}" aria-invalid="true">`))
  assert.match(unknown.text, /<h1>Members of/)

  const empty = await owner.post(`/rooms/${slug}/members`, { username: '' })
  assert.equal(empty.status, 422)
  assert.equal(fieldError(empty.text, 'username'), 'Enter a username.')

  const again = await owner.post(`/rooms/${slug}/members`, { username: owner.username })
  assert.equal(again.status, 422)
  assert.equal(fieldError(again.text, 'username'), `${owner.username} is already a member.`)
  assert.deepEqual(await membersOf(owner, slug), { [owner.username]: 'owner' })
})

test('only the owner sees Remove buttons and the add form; a member trying either gets 403', async () => {
  const owner = alice
  const member = bob
  const third = carol
  const slug = await createRoom(owner, { kind: 'private' })
  await owner.post(`/rooms/${slug}/members`, { username: member.username })
  const ownerView = await owner.get(`/rooms/${slug}/members`)
  assert.match(ownerView.text, new RegExp(`action="/rooms/${slug}/members/${member.username}/removal"`))
  assert.doesNotMatch(ownerView.text, new RegExp(`/members/${owner.username}/removal`))
  const memberView = await member.get(`/rooms/${slug}/members`)
  assert.doesNotMatch(memberView.text, /\/removal"|Add someone by username/)

  const add = await member.post(`/rooms/${slug}/members`, { username: third.username })
  assert.equal(add.status, 403)
  assert.match(add.text, /Only the room owner can change who is in it./)
  const remove = await member.post(`/rooms/${slug}/members/${owner.username}/removal`, {})
  assert.equal(remove.status, 403)
  assert.deepEqual(await membersOf(owner, slug), { [owner.username]: 'owner', [member.username]: 'member' })
})

test('a removed member loses the room: its page, its messages through the API, and posting', async () => {
  const owner = alice
  const member = bob
  const slug = await createRoom(owner, { kind: 'private' })
  await owner.post(`/rooms/${slug}/members`, { username: member.username })
  await postMessage(member, slug, 'before removal')
  const roomId = await roomIdOf(owner, slug)
  const token = await apiToken(server, member.username)
  const filter = encodeURIComponent(`room = "${roomId}"`)
  assert.equal((await api(server, 'GET', `/api/collections/messages/records?filter=${filter}`, { token })).json.totalItems, 1)

  assert.equal((await member.get(`/rooms/${slug}/members/${member.username}/removal`)).location, `/rooms/${slug}/members`)
  const res = await owner.post(`/rooms/${slug}/members/${member.username}/removal`, {})
  assert.equal(res.status, 303)
  assert.equal(res.location, `/rooms/${slug}/members`)
  assert.deepEqual(await membersOf(owner, slug), { [owner.username]: 'owner' })

  assert.equal((await member.get(`/rooms/${slug}`)).status, 404)
  assert.equal((await member.get(`/rooms/${slug}/members`)).status, 404)
  assert.equal((await member.post(`/rooms/${slug}/messages`, { body: 'still here?', nonce: randomBytes(6).toString('hex') })).status, 404)
  const list = await api(server, 'GET', `/api/collections/messages/records?filter=${filter}`, { token })
  assert.equal(list.status, 200)
  assert.equal(list.json.totalItems, 0)
  assert.equal((await api(server, 'GET', `/api/collections/rooms/records/${roomId}`, { token })).status, 404)
})

test('the owner cannot be removed, and removing someone who is not a member is a 404', async () => {
  const owner = alice
  const stranger = carol
  const slug = await createRoom(owner)
  const self = await owner.post(`/rooms/${slug}/members/${owner.username}/removal`, {})
  assert.equal(self.status, 403)
  assert.match(self.text, /The owner cannot be removed./)
  for (const username of [stranger.username, 'nobody_by_this_name']) {
    const res = await owner.post(`/rooms/${slug}/members/${username}/removal`, {})
    assert.equal(res.status, 404)
    assert.match(res.text, /That person is not in this room./)
  }
  assert.deepEqual(await membersOf(owner, slug), { [owner.username]: 'owner' })
})
