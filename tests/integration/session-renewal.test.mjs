// The session cookie is renewed once its token is past half its life, so active people stay signed in.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServerWithSuperuser, api } from '../helpers/admin.mjs'
import { signUp } from '../helpers/browserless.mjs'

let server
before(async () => {
  server = await startServerWithSuperuser()
  // an operator shortens the users' token lifetime to PocketBase's minimum, 10 seconds
  const users = await api(server, 'GET', '/api/collections/users', { token: server.superuserToken })
  const res = await api(server, 'PATCH', `/api/collections/${users.json.id}`, {
    token: server.superuserToken,
    body: { authToken: { ...users.json.authToken, duration: 10 } },
  })
  assert.equal(res.status, 200, res.text)
})
after(async () => { await server?.stop() })

test('a young session is left alone and an old one is renewed, with the cookie flags kept', async () => {
  const alice = await signUp(server)
  const first = alice.sessionToken
  const young = await alice.get('/rooms')
  assert.equal(young.status, 200)
  assert.equal(young.headers.getSetCookie().length, 0, 'a fresh token must not be reissued on every request')

  await new Promise((r) => setTimeout(r, 5500)) // past half of 10 seconds
  const old = await alice.get('/rooms')
  assert.equal(old.status, 200)
  const cookie = old.headers.getSetCookie().find((c) => c.startsWith('hearth_session='))
  assert.ok(cookie, 'an old session gets a new cookie')
  assert.match(cookie, /HttpOnly/i)
  assert.match(cookie, /SameSite=Lax/i)
  assert.notEqual(alice.sessionToken, first)

  await new Promise((r) => setTimeout(r, 5000)) // the first token has now expired; the renewed one has not
  assert.equal((await alice.get('/rooms')).status, 200)
})
