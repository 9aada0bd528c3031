// What an admin may do in rooms: delete anyone's message and restore what the community hid, in
// every room they may read (the lobby included, which has no owner), and nothing in a private
// room they are not in. Every refusal is the same for someone who is not an admin.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServerWithSuperuser, api, userIdOf } from '../../helpers/admin.mjs'
import { signUp, createRoom, postMessage, uniqueText } from '../../helpers/browserless.mjs'
import { messageIds, messageItem } from '../../helpers/markup.mjs'

let server, admin, alice, bob
before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600' } })
  ;[admin, alice, bob] = await Promise.all([signUp(server), signUp(server), signUp(server)])
  const made = await api(server, 'PATCH', `/api/collections/users/records/${await userIdOf(admin)}`, { token: server.superuserToken, body: { role: 'admin' } })
  assert.equal(made.status, 200)
})
after(async () => { await server?.stop() })

const hideByHand = async (id) => {
  const res = await api(server, 'PATCH', `/api/collections/messages/records/${id}`, { token: server.superuserToken, body: { moderation: 'hidden' } })
  assert.equal(res.status, 200, res.text)
}

test("an admin deletes anyone's message in the lobby; someone who is not an admin may not", async () => {
  const id = await postMessage(alice, 'lobby', uniqueText('delete me'))
  assert.equal((await bob.post(`/rooms/lobby/messages/${id}/deletion`, {})).status, 403)
  assert.equal((await admin.get(`/rooms/lobby/messages/${id}/deletion`)).status, 200, 'the confirmation page')
  const res = await admin.post(`/rooms/lobby/messages/${id}/deletion`, {})
  assert.equal(res.status, 303)
  assert.ok(!messageIds((await alice.get('/rooms/lobby')).text).includes(id))
})

test("an admin deletes in a public room they are not in, never in a private room they are not in", async () => {
  const open = await createRoom(alice, { kind: 'public' })
  const openId = await postMessage(alice, open, uniqueText('public words'))
  assert.equal((await admin.post(`/rooms/${open}/messages/${openId}/deletion`, {})).status, 303)
  const closed = await createRoom(alice, { kind: 'private' })
  const closedId = await postMessage(alice, closed, uniqueText('private words'))
  const refused = await admin.post(`/rooms/${closed}/messages/${closedId}/deletion`, {})
  assert.ok([403, 404].includes(refused.status), `got ${refused.status}`)
  assert.ok(messageIds((await alice.get(`/rooms/${closed}`)).text).includes(closedId), 'still there')
})

test('an admin reads and restores what was hidden in the lobby; a member may not', async () => {
  const text = uniqueText('hidden in the lobby')
  const id = await postMessage(alice, 'lobby', text)
  await hideByHand(id)
  assert.ok(!(await bob.get('/rooms/lobby/moderation')).text.includes(text))
  assert.equal((await bob.post(`/rooms/lobby/messages/${id}/restoration`, {})).status, 403)
  assert.ok((await admin.get('/rooms/lobby/moderation')).text.includes(text), 'the admin reads it on the moderation page')
  const restored = await admin.post(`/rooms/lobby/messages/${id}/restoration`, {})
  assert.equal(restored.status, 303)
  assert.ok(messageItem((await bob.get('/rooms/lobby')).text, id).includes(text))
})

test("an admin's stylesheet shows Delete on every message; nobody else's does", async () => {
  const css = (await admin.get('/me/style.css')).text
  assert.match(css, /^\.room \.delete-action \{ display: inline-flex; \}$/m)
  assert.doesNotMatch((await bob.get('/me/style.css')).text, /^\.room \.delete-action/m)
})
