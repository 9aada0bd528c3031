// Sessions are server-side records: logging out ends one for pages and live connections at once,
// people see and end their sessions, a new password ends the others, an idle session ends, and a
// live connection belongs to the session that opened it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer } from '../../helpers/server.mjs'
import { api } from '../../helpers/admin.mjs'
import { Visitor, signUp, logIn, apiToken, PASSWORD } from '../../helpers/browserless.mjs'
import { Subscriber } from '../../helpers/sse.mjs'
import { liveAttributes } from '../../helpers/markup.mjs'

const IDLE_SECONDS = 4
let server
before(async () => {
  server = await startServer({ env: { HEARTH_SESSION_IDLE_SECONDS: String(IDLE_SECONDS) } })
})
after(async () => {
  if (process.env.HEARTH_TEST_LOGS) console.log(server.logs())
  await server?.stop()
})

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0'
const SAFARI = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1'

/** logInWith signs an existing person in from another browser (its User-Agent names the session). */
const logInWith = (username, userAgent, password = PASSWORD) => logIn(server, username, { password, headers: { 'User-Agent': userAgent } })

const signedIn = async (v) => (await v.get('/rooms')).status === 200

/** a live connection opened with v's cookie and subscribed to the lobby */
async function live(v) {
  const s = new Subscriber(v)
  await s.connect()
  const { topic } = liveAttributes((await v.get('/rooms/lobby')).text)
  assert.equal((await s.subscribe([topic])).status, 200)
  return s
}

/** closedWithin resolves true once the live connection is over, or false after ms. */
const closedWithin = (s, ms) => Promise.race([s.ended.then(() => true), sleep(ms).then(() => false)])

test('log-out ends the session: a copy of its cookie is refused, and its live connection closes', async () => {
  const alice = await signUp(server)
  const copy = new Visitor(server)
  copy.cookies.set('hearth_session', alice.sessionToken)
  const other = await logInWith(alice.username, FIREFOX)
  const mine = await live(alice)
  const theirs = await live(other)

  assert.equal((await alice.post('/logout', {})).status, 303)
  assert.equal(await signedIn(copy), false, 'the logged-out cookie no longer signs anyone in')
  assert.equal((await api(server, 'POST', '/api/collections/users/auth-refresh', { token: copy.sessionToken })).status, 401, 'nor works on the REST API')
  assert.ok(await closedWithin(mine, 3000), 'the live connection of the ended session was closed')
  await sleep(300)
  assert.equal(theirs.closed, false, 'the other session keeps its connection')
  assert.equal(await signedIn(other), true)
  mine.close()
  theirs.close()
})

test('the sessions page lists my sessions and ends any one of them at once; others cannot', async () => {
  const bob = await signUp(server)
  const laptop = await logInWith(bob.username, FIREFOX)
  const phone = await logInWith(bob.username, SAFARI)
  const page = await laptop.get('/me/sessions')
  assert.equal(page.status, 200)
  assert.match(page.text, /Firefox on Linux/)
  assert.match(page.text, /Safari on iOS/)
  assert.match(page.text, /127\.0\.0\.1/)
  assert.equal((page.text.match(/<li class="session/g) || []).length, 3)
  assert.match(page.text, /this browser/)
  const phoneId = /id="session-([a-z0-9]+)">\s*<div>\s*<strong>Safari on iOS/.exec(page.text)?.[1]
  assert.ok(phoneId, 'the phone is listed')

  // someone else cannot end it, or even see it
  const mallory = await signUp(server)
  assert.equal((await mallory.post(`/me/sessions/${phoneId}/deletion`, {})).status, 404)
  assert.equal((await mallory.get(`/me/sessions/${phoneId}/deletion`)).status, 404)
  assert.doesNotMatch((await mallory.get('/me/sessions')).text, new RegExp(phoneId))
  assert.equal(await signedIn(phone), true)

  // a GET only asks; the POST ends it
  const ask = await laptop.get(`/me/sessions/${phoneId}/deletion`)
  assert.equal(ask.status, 200)
  assert.equal(await signedIn(phone), true)
  const phoneLive = await live(phone)
  const ended = await laptop.post(`/me/sessions/${phoneId}/deletion`, {})
  assert.equal(ended.status, 303)
  assert.equal(ended.location, '/me/sessions')
  assert.equal(await signedIn(phone), false)
  assert.equal(await signedIn(laptop), true)
  assert.ok(await closedWithin(phoneLive, 3000), "the ended session's live connection closed")
  phoneLive.close()
  assert.equal((await laptop.post(`/me/sessions/${phoneId}/deletion`, {})).status, 404, 'ending it twice: it is gone')
})

test('a new password ends every other session and API token, and keeps this one', async () => {
  const carol = await signUp(server)
  const other = await logInWith(carol.username, FIREFOX)
  const token = await apiToken(server, carol.username)
  const wrong = await carol.post('/me/password', { oldPassword: 'not-it-at-all', password: 'a-new-password', passwordConfirm: 'a-new-password' })
  assert.equal(wrong.status, 422)
  assert.match(wrong.text, /not your current password/)
  assert.equal(await signedIn(other), true, 'a refused change ends nothing')

  const res = await carol.post('/me/password', { oldPassword: PASSWORD, password: 'a-new-password', passwordConfirm: 'a-new-password' })
  assert.equal(res.status, 303)
  assert.equal(await signedIn(carol), true, 'this session stays')
  assert.equal(await signedIn(other), false, 'the other session ended')
  assert.equal((await api(server, 'POST', '/api/collections/users/auth-refresh', { token })).status, 401, 'API tokens ended')
  assert.equal((await new Visitor(server).post('/login', { username: carol.username, password: PASSWORD })).status, 422)
  await logInWith(carol.username, FIREFOX, 'a-new-password')
})

test('a session unused for longer than its idle lifetime ends; one in use stays', async () => {
  const dave = await signUp(server)
  const idle = await logInWith(dave.username, FIREFOX)
  for (let i = 0; i < 4; i++) {
    await sleep((IDLE_SECONDS * 1000) / 3)
    assert.equal(await signedIn(dave), true, 'in use: renewed')
  }
  assert.equal(await signedIn(idle), false, 'idle past its lifetime: ended')
})

test("a live connection belongs to the session that opened it: another session on the same address cannot take it", async () => {
  const erin = await signUp(server)
  const s = new Subscriber(erin)
  const clientId = await s.connect()
  const { topic } = liveAttributes((await erin.get('/rooms/lobby')).text)
  const mallory = await signUp(server)
  const sameUserElsewhere = await logInWith(erin.username, FIREFOX)
  for (const intruder of [mallory, sameUserElsewhere]) {
    const res = await intruder.post('/realtime/subscriptions', { clientId, topics: topic })
    assert.equal(res.status, 403, res.text)
  }
  // a connection opened without any cookie cannot be claimed by a signed-in session either
  const guest = new Subscriber(new Visitor(server))
  const guestId = await guest.connect()
  assert.equal((await mallory.post('/realtime/subscriptions', { clientId: guestId, topics: topic })).status, 403)
  assert.equal((await erin.post('/realtime/subscriptions', { clientId, topics: topic })).status, 200, 'its own session may')
  s.close()
  guest.close()
})
