// Rate limits at their defaults (no HEARTH_LIMIT_* set): posts per person, sign-ups and failed
// log-ins per network. Every request here comes from 127.0.0.1, so the order of the tests matters:
// sign-ups are counted throughout, and failed log-ins come last because they lock the log-in out.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { startServer } from '../helpers/server.mjs'
import { Visitor, signUp, createRoom, postMessage, messageIds, apiToken, uniqueName, PASSWORD } from '../helpers/browserless.mjs'
import { api, roomIdOf, userIdOf } from '../helpers/admin.mjs'

let server
before(async () => {
  // whatever the environment of the test run says, this server has the defaults
  server = await startServer({ env: { HEARTH_LIMIT_POSTS: '', HEARTH_LIMIT_SIGNUPS: '', HEARTH_LIMIT_FAILED_LOGINS: '' } })
})
after(async () => { await server?.stop() })

const nonce = () => randomBytes(8).toString('hex')
let signUps = 0
async function newPerson() {
  signUps++
  return signUp(server)
}

let poster, other, slug
let failedLogIns = 0

test('a person may post 30 messages a minute; the 31st answers 429 in the page and is not posted', async () => {
  poster = await newPerson()
  other = await newPerson()
  slug = await createRoom(poster)
  await other.post(`/rooms/${slug}/membership`, {})
  // the REST API's token is made now: failed log-ins later on lock the log-in
  const token = await apiToken(server, poster.username)
  const posted = []
  const lastNonce = nonce()
  for (let i = 1; i <= 29; i++) posted.push(await postMessage(poster, slug, `post ${i}`))
  posted.push(await postMessage(poster, slug, 'post 30', lastNonce))
  const res = await poster.post(`/rooms/${slug}/messages`, { body: 'post 31', nonce: nonce() })
  assert.equal(res.status, 429)
  assert.match(res.text, /<header class="site">/)
  assert.match(res.text, /<h1>Slow down<\/h1>/)
  assert.match(res.text, /You are posting too fast. Wait a moment, then send again./)
  const htmx = await poster.htmxPost(`/rooms/${slug}/messages`, { body: 'post 32', nonce: nonce() })
  assert.equal(htmx.status, 429)
  assert.match(htmx.text, /You are posting too fast/)
  assert.deepEqual(messageIds((await poster.get(`/rooms/${slug}`)).text), posted)

  // the REST API counts against the same limit, and says why
  const viaApi = await api(server, 'POST', '/api/collections/messages/records', {
    token,
    body: { room: await roomIdOf(poster, slug), author: await userIdOf(poster), body: 'post 33 via the API' },
  })
  assert.equal(viaApi.status, 429, viaApi.text)
  assert.match(viaApi.json.message, /posting too fast/)

  // resending a form that did get through finds its message; it is not refused as a new post
  const retry = await poster.post(`/rooms/${slug}/messages`, { body: 'post 30', nonce: lastNonce })
  assert.equal(retry.status, 303)
  assert.equal(retry.location, `/rooms/${slug}#message-${posted[29]}`)
})

test('the posting limit is per person: someone else in the same room and network still posts', async () => {
  const id = await postMessage(other, slug, 'my turn')
  assert.ok(messageIds((await other.get(`/rooms/${slug}`)).text).includes(id))
})

test('a network may make 10 accounts an hour; the 11th sign-up answers 429 and makes no account', async () => {
  while (signUps < 10) await newPerson()
  // bad input is answered before the limit is counted
  const invalid = await new Visitor(server).post('/signup', { username: 'x', password: 'short', passwordConfirm: 'short' })
  assert.equal(invalid.status, 422)
  const username = uniqueName()
  const v = new Visitor(server)
  const res = await v.post('/signup', { username, password: PASSWORD, passwordConfirm: PASSWORD })
  assert.equal(res.status, 429)
  assert.match(res.text, /<h1>Slow down<\/h1>/)
  assert.match(res.text, /Too many sign-ups from your network. Please try again later./)
  assert.equal(v.sessionToken, undefined)
  assert.equal((await new Visitor(server).post('/login', { username, password: PASSWORD })).status, 422, 'no account exists')
  failedLogIns++
})

test('10 failed log-ins from a network (pages and API together) lock it out: the 11th answers 429, even with the right password', async () => {
  const victim = poster.username
  while (failedLogIns < 5) {
    const res = await new Visitor(server).post('/login', { username: victim, password: `wrong-${failedLogIns++}` })
    assert.equal(res.status, 422)
  }
  for (let i = 0; i < 5; i++) {
    const res = await api(server, 'POST', '/api/collections/users/auth-with-password', { body: { identity: victim, password: `wrong-${i}` } })
    assert.equal(res.status, 400)
  }
  const locked = await new Visitor(server).post('/login', { username: victim, password: 'wrong-again' })
  assert.equal(locked.status, 429)
  assert.match(locked.text, /<header class="site">/)
  assert.match(locked.text, /<h1>Slow down<\/h1>/)
  assert.match(locked.text, /Too many failed log-ins from your network. Please wait a few minutes and try again./)

  const right = await new Visitor(server).post('/login', { username: victim, password: PASSWORD })
  assert.equal(right.status, 429)
  const viaApi = await api(server, 'POST', '/api/collections/users/auth-with-password', { body: { identity: victim, password: PASSWORD } })
  assert.equal(viaApi.status, 429)
  assert.match(viaApi.json.message, /Too many failed log-ins/)

  // people already signed in are not affected
  assert.equal((await poster.get(`/rooms/${slug}`)).status, 200)
})
