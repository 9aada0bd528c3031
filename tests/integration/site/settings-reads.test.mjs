// The settings row is read once per request, however many limits and checks ask for it: a post
// asks for the message length and the post limit on its page and again in its record hook (another
// JS runtime), a reaction for its limit and the downvotes that hide; through the REST API as on
// the pages. PocketBase's --dev mode prints every SQL statement, which is what is counted here.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../../helpers/server.mjs'
import { signUp, createRoom, postMessage, apiToken } from '../../helpers/browserless.mjs'
import { api, roomIdOf, userIdOf } from '../../helpers/admin.mjs'

let server, poster, slug
before(async () => {
  server = await startServer({ args: ['--dev'] })
  poster = await signUp(server)
  slug = await createRoom(poster)
})
after(async () => { await server?.stop() })

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** readsDuring counts the statements that read the settings while act runs (and its output lands). */
async function readsDuring(act) {
  await sleep(200)
  const from = server.logs().length
  await act()
  await sleep(300)
  return (server.logs().slice(from).match(/FROM settings/g) || []).length
}

test('a post reads the settings once', async () => {
  assert.equal(await readsDuring(() => postMessage(poster, slug, 'count my reads')), 1)
})

test('a post and a downvote through the REST API read them once each, their hooks included', async () => {
  const voter = await signUp(server)
  assert.equal((await voter.post(`/rooms/${slug}/membership`, {})).status, 303)
  const [token, room, me] = await Promise.all([apiToken(server, voter.username), roomIdOf(voter, slug), userIdOf(voter)])
  const id = await postMessage(poster, slug, 'vote on me through the API')
  assert.equal(await readsDuring(async () => {
    const res = await api(server, 'POST', '/api/collections/messages/records', { token, body: { room, author: me, body: 'through the API' } })
    assert.equal(res.status, 200, res.text)
  }), 1)
  assert.equal(await readsDuring(async () => {
    const res = await api(server, 'POST', '/api/collections/reactions/records', { token, body: { message: id, room, user: me, emoji: '👎' } })
    assert.equal(res.status, 200, res.text)
  }), 1)
})

test('a downvote reads them once, its hooks included', async () => {
  const voter = await signUp(server)
  assert.equal((await voter.post(`/rooms/${slug}/membership`, {})).status, 303)
  const id = await postMessage(poster, slug, 'vote on me')
  assert.equal(await readsDuring(async () => {
    assert.equal((await voter.post(`/rooms/${slug}/messages/${id}/reactions`, { emoji: '👎' })).status, 303)
  }), 1)
})
