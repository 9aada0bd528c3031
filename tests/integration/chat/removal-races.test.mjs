// A person removed from a room, or an account deleted, between a request's check and its write:
// the write is refused inside its transaction (chat/members.ts requireMember, requireAccount), so
// no post or reaction lands in a room after its author left it, and nothing is left pointing at
// an account that no longer exists. A fixture hook makes the removal land at exactly that moment.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServerWithSuperuser, api, roomIdOf } from '../../helpers/admin.mjs'
import { serverErrors } from '../../helpers/server.mjs'
import { signUp, createRoom, postMessage, nonce } from '../../helpers/browserless.mjs'

// Right after a save is validated (the page has checked the person's standing by then): a message
// or a reaction marked so removes its author from the room; joining a room whose address starts
// with "doomed" deletes the joiner's account.
const LEAVE_DURING_SAVE = `
onRecordValidate((e) => {
  e.next()
  if (!e.record.getString('body').includes('[removed-during-save]')) return
  const m = e.app.findFirstRecordByFilter('memberships', 'room = {:r} && user = {:u}', { r: e.record.getString('room'), u: e.record.getString('author') })
  e.app.delete(m)
}, 'messages')
onRecordValidate((e) => {
  e.next()
  const message = e.app.findRecordById('messages', e.record.getString('message'))
  if (!message.getString('body').includes('[reactor-removed-during-save]')) return
  const m = e.app.findFirstRecordByFilter('memberships', 'room = {:r} && user = {:u}', { r: e.record.getString('room'), u: e.record.getString('user') })
  e.app.delete(m)
}, 'reactions')
onRecordValidate((e) => {
  e.next()
  const room = e.app.findRecordById('rooms', e.record.getString('room'))
  if (!room.getString('slug').startsWith('doomed') || e.record.getString('role') === 'owner') return
  e.app.delete(e.app.findRecordById('users', e.record.getString('user')))
}, 'memberships')
`

let server, owner, member, slug, roomId
before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_SIGNUPS: '1000/60', HEARTH_LIMIT_POSTS: '3/600', HEARTH_LIMIT_REACTIONS: '2/600' }, extraHooks: { 'leave-during-save.pb.js': LEAVE_DURING_SAVE } })
  ;[owner, member] = await Promise.all([signUp(server), signUp(server)])
  slug = await createRoom(owner, { kind: 'private' })
  roomId = await roomIdOf(owner, slug)
})
after(async () => { await server?.stop() })

/** readd makes the member a member of the private room again, if they are not */
async function readd() {
  const res = await owner.post(`/rooms/${slug}/members`, { username: member.username })
  assert.ok(res.status === 303 || /already/.test(res.text), `${res.status}`)
}

const stored = async (collection, filter) => (await api(server, 'GET', `/api/collections/${collection}/records?perPage=200&filter=${encodeURIComponent(filter)}`, { token: server.superuserToken })).json.items

test('a post whose author is removed from the private room while it is saved is refused, and nothing lands', async () => {
  const from = server.logs().length
  assert.equal((await owner.post(`/rooms/${slug}/members`, { username: member.username })).status, 303)
  for (let i = 0; i < 3; i++) {
    if (i) assert.equal((await owner.post(`/rooms/${slug}/members`, { username: member.username })).status, 303)
    const res = await member.post(`/rooms/${slug}/messages`, { body: `too late ${i} [removed-during-save]`, nonce: nonce() })
    assert.equal(res.status, 403, res.text.slice(0, 300))
    assert.match(res.text, /not a member of this room any more/)
  }
  assert.deepEqual(await stored('messages', `room = "${roomId}" && body ~ "too late"`), [], 'no message landed after the removal')
  // none of the three counted against the post limit of three
  assert.equal((await owner.post(`/rooms/${slug}/members`, { username: member.username })).status, 303)
  for (let i = 0; i < 3; i++) await postMessage(member, slug, `in time ${i}`)
  assert.deepEqual(serverErrors(server, from), [])
})

test('a reaction whose giver is removed from the room while it is saved is refused, and nothing is stored', async () => {
  const from = server.logs().length
  const id = await postMessage(owner, slug, 'react to me [reactor-removed-during-save]')
  for (const emoji of ['👍', '🎉']) {
    await readd()
    const res = await member.post(`/rooms/${slug}/messages/${id}/reactions`, { emoji })
    assert.equal(res.status, 403, res.text.slice(0, 300))
    assert.match(res.text, /not a member of this room any more/)
  }
  assert.deepEqual(await stored('reactions', `message = "${id}"`), [])
  // neither counted against the limit of two
  await readd()
  const plain = await postMessage(owner, slug, 'an ordinary message')
  for (const emoji of ['👍', '🎉']) assert.equal((await member.post(`/rooms/${slug}/messages/${plain}/reactions`, { emoji })).status, 303)
  assert.deepEqual(serverErrors(server, from), [])
})

test('a join by an account deleted while it is saved leaves no membership behind, and the members page and count stay right', async () => {
  const from = server.logs().length
  const publicSlug = await createRoom(owner, { kind: 'public', slug: `doomed-${nonce()}` })
  const publicId = await roomIdOf(owner, publicSlug)
  const doomed = await signUp(server)
  const res = await doomed.post(`/rooms/${publicSlug}/membership`, {})
  assert.equal(res.status, 401, res.text.slice(0, 300))
  assert.deepEqual(await stored('users', `username = "${doomed.username}"`), [], 'the account is gone')
  const orphans = (await stored('memberships', `room = "${publicId}"`)).filter((m) => m.role !== 'owner')
  assert.deepEqual(orphans, [], 'no membership names the deleted account')
  const members = await owner.get(`/rooms/${publicSlug}/members`)
  assert.equal(members.status, 200)
  assert.match((await owner.get(`/rooms/${publicSlug}`)).text, /1 member\b/)
  assert.deepEqual(serverErrors(server, from), [])
})
