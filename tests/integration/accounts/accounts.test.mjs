// Sign-up, log-in and log-out as people see them: the forms, their errors, and the session cookie.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../../helpers/server.mjs'
import { Visitor, signUp, uniqueName, apiToken, sessionCookieLine, PASSWORD } from '../../helpers/browserless.mjs'
import { fieldError, inputTag } from '../../helpers/markup.mjs'
import { api } from '../../helpers/admin.mjs'

let server
// alice is shared by the tests that leave her signed in; tests that log out sign up someone new
let alice
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_FAILED_LOGINS: '1000/600' } })
  alice = await signUp(server)
})
after(async () => { await server?.stop() })

test('guests see the sign-up and log-in forms inside the site layout', async () => {
  const guest = new Visitor(server)
  const signup = await guest.get('/signup')
  assert.equal(signup.status, 200)
  assert.match(signup.text, /<title>Sign up &middot; Hearth<\/title>/)
  assert.match(signup.text, /<h1>Create your account<\/h1>/)
  assert.match(signup.text, /<form method="post" action="\/signup"/)
  const login = await guest.get('/login')
  assert.equal(login.status, 200)
  assert.match(login.text, /<title>Log in &middot; Hearth<\/title>/)
  assert.match(login.text, /<form method="post" action="\/login"/)
  assert.match(login.text, /<a href="\/signup">Sign up<\/a>/)
})

test('signing up starts a session and lands in the lobby, signed in by name', async () => {
  const username = uniqueName('new')
  const v = new Visitor(server)
  const res = await v.post('/signup', { username, name: 'Ada Lovelace', password: PASSWORD, passwordConfirm: PASSWORD })
  assert.equal(res.status, 303)
  assert.equal(res.location, '/rooms/lobby')
  assert.ok(v.sessionToken, 'a session cookie is set')
  const lobby = await v.get('/rooms/lobby')
  assert.equal(lobby.status, 200)
  assert.match(lobby.text, /<span class="me">Ada Lovelace <span class="muted">@new_[0-9a-f]+<\/span><\/span>/)
  // signed-in people are sent on from the account forms
  assert.equal((await v.get('/signup')).location, '/rooms')
  assert.equal((await v.get('/login')).location, '/rooms')
})

test('a sign-up with bad input answers 422 with each message next to its field, keeping all but the passwords', async () => {
  const v = new Visitor(server)
  const res = await v.post('/signup', { username: 'No Spaces!', name: 'x'.repeat(61), password: 'short-1', passwordConfirm: 'other-secret-value' })
  assert.equal(res.status, 422)
  assert.equal(fieldError(res.text, 'username'), 'Use 3 to 24 lowercase letters, digits or underscores.')
  assert.equal(fieldError(res.text, 'name'), 'Keep the display name to 60 characters; this one has 61.')
  assert.match(inputTag(res.text, 'name'), /aria-invalid="true"/)
  assert.equal(fieldError(res.text, 'password'), 'Use at least 8 characters.')
  assert.equal(fieldError(res.text, 'passwordConfirm'), 'The two passwords differ.')
  assert.match(inputTag(res.text, 'username'), /value="No Spaces!"/)
  assert.match(inputTag(res.text, 'username'), /aria-invalid="true"/)
  assert.match(inputTag(res.text, 'name'), new RegExp(`value="${'x'.repeat(61)}"`))
  assert.match(inputTag(res.text, 'password'), /^<input/, 'the password field is there')
  assert.doesNotMatch(inputTag(res.text, 'password'), /value=/)
  assert.match(inputTag(res.text, 'passwordConfirm'), /^<input/, 'the passwordConfirm field is there')
  assert.doesNotMatch(inputTag(res.text, 'passwordConfirm'), /value=/)
  assert.ok(!res.text.includes('short-1') && !res.text.includes('other-secret-value'), 'passwords are never echoed')
  assert.equal(v.sessionToken, undefined)
})

test('a sign-up with nothing filled in names every required field', async () => {
  const res = await new Visitor(server).post('/signup', {})
  assert.equal(res.status, 422)
  assert.equal(fieldError(res.text, 'username'), 'Use 3 to 24 lowercase letters, digits or underscores.')
  assert.equal(fieldError(res.text, 'password'), 'Use at least 8 characters.')
})

test('a password longer than 71 bytes is refused (PocketBase takes 71 characters, bcrypt 72 bytes)', async () => {
  const long = 'p'.repeat(72)
  const res = await new Visitor(server).post('/signup', { username: uniqueName(), password: long, passwordConfirm: long })
  assert.equal(res.status, 422)
  assert.equal(fieldError(res.text, 'password'), 'Use at most 71 bytes: a plain letter or digit is one, an accented letter two, an emoji four.')
  assert.ok(!res.text.includes(long))
})

test('a username is taken whatever its case, and the form says so', async () => {
  const taken = alice
  const res = await new Visitor(server).post('/signup', { username: taken.username.toUpperCase(), password: PASSWORD, passwordConfirm: PASSWORD })
  assert.equal(res.status, 422)
  assert.equal(fieldError(res.text, 'username'), 'That username is taken.')
  assert.match(inputTag(res.text, 'username'), new RegExp(`value="${taken.username.toUpperCase()}"`))
})

test('sixty sign-ups of one username at once make one account; the rest hear it is taken, never a 500', async () => {
  const username = uniqueName('same')
  const answers = await Promise.all(Array.from({ length: 60 }, () => new Visitor(server).post('/signup', { username, password: PASSWORD, passwordConfirm: PASSWORD })))
  assert.deepEqual([...new Set(answers.map((r) => r.status))].sort(), [303, 422])
  assert.equal(answers.filter((r) => r.status === 303).length, 1)
  for (const r of answers.filter((r) => r.status === 422)) assert.equal(fieldError(r.text, 'username'), 'That username is taken.')
})

test('a JSON body is not a form: the sign-up answers 422, nothing is created', async () => {
  const username = uniqueName()
  const body = JSON.stringify({ username, password: PASSWORD, passwordConfirm: PASSWORD })
  const viaJson = await fetch(`${server.url}/signup`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: server.url }, body, redirect: 'manual' })
  assert.equal(viaJson.status, 422)
  const login = await new Visitor(server).post('/login', { username, password: PASSWORD })
  assert.equal(login.status, 422)
})

test('logging in with the right password starts a session; the username ignores case and spaces', async () => {
  const someone = alice
  const v = new Visitor(server)
  const res = await v.post('/login', { username: `  ${someone.username.toUpperCase()} `, password: PASSWORD })
  assert.equal(res.status, 303)
  assert.equal(res.location, '/rooms')
  assert.match(sessionCookieLine(res), /^hearth_session=[^;]+;/)
  const rooms = await v.get('/rooms')
  assert.equal(rooms.status, 200)
  assert.match(rooms.text, new RegExp(`@${someone.username}<`))
})

test('a guest sent to log in comes back to the page they asked for', async () => {
  const someone = alice
  const guest = new Visitor(server)
  const asked = await guest.get('/rooms/lobby/members')
  assert.equal(asked.status, 303)
  assert.equal(asked.location, '/login?next=%2Frooms%2Flobby%2Fmembers')
  const form = await guest.get(asked.location)
  assert.match(form.text, /action="\/login\?next=%2Frooms%2Flobby%2Fmembers"/)
  const res = await guest.post('/login?next=%2Frooms%2Flobby%2Fmembers', { username: someone.username, password: PASSWORD })
  assert.equal(res.status, 303)
  assert.equal(res.location, '/rooms/lobby/members')
})

test('a wrong password or unknown username answers 422 with one message, the username kept, the password not', async () => {
  const someone = alice
  for (const username of [someone.username, uniqueName('ghost')]) {
    const v = new Visitor(server)
    const res = await v.post('/login', { username, password: 'wrong-password-here' })
    assert.equal(res.status, 422)
    assert.equal(fieldError(res.text, 'username'), 'That username and password do not match.')
    assert.match(inputTag(res.text, 'username'), new RegExp(`value="${username}"`))
    assert.match(inputTag(res.text, 'password'), /^<input/, 'the password field is there')
    assert.doesNotMatch(inputTag(res.text, 'password'), /value=/)
    assert.ok(!res.text.includes('wrong-password-here'))
    assert.equal(v.sessionToken, undefined)
  }
  const empty = await new Visitor(server).post('/login', {})
  assert.equal(empty.status, 422)
  assert.equal(fieldError(empty.text, 'username'), 'That username and password do not match.')
})

test('the log-out page offers this browser or everywhere; guests are sent to log in', async () => {
  const v = alice
  const page = await v.get('/logout')
  assert.equal(page.status, 200)
  assert.match(page.text, /Log out of this browser/)
  assert.match(page.text, /<input type="hidden" name="everywhere" value="1">/)
  const guest = await new Visitor(server).get('/logout')
  assert.equal(guest.status, 303)
  assert.equal(guest.location, '/login?next=%2Flogout')
})

test('logging out clears the session cookie and the next page asks to log in', async () => {
  const v = await signUp(server)
  const res = await v.post('/logout', {})
  assert.equal(res.status, 303)
  assert.equal(res.location, '/login')
  assert.match(sessionCookieLine(res), /^hearth_session=;/)
  assert.match(sessionCookieLine(res), /Max-Age=0/)
  assert.equal(v.sessionToken, undefined)
  const after = await v.get('/rooms')
  assert.equal(after.status, 303)
  assert.match(after.location, /^\/login/)
})

test('"log out everywhere" makes every older copy of the session stop working, on pages and the API', async () => {
  const v = await signUp(server)
  const otherDevice = new Visitor(server)
  otherDevice.cookies.set('hearth_session', v.sessionToken)
  const apiCopy = await apiToken(server, v.username)
  assert.equal((await otherDevice.get('/rooms')).status, 200)
  assert.equal((await api(server, 'POST', '/api/collections/users/auth-refresh', { token: apiCopy })).status, 200)

  const res = await v.post('/logout', { everywhere: '1' })
  assert.equal(res.status, 303)
  assert.equal(res.location, '/login')
  assert.equal(v.sessionToken, undefined)

  const stale = await otherDevice.get('/rooms')
  assert.equal(stale.status, 303)
  assert.match(stale.location, /^\/login/)
  assert.equal(otherDevice.sessionToken, undefined, 'the stale cookie is cleared')
  assert.equal((await api(server, 'POST', '/api/collections/users/auth-refresh', { token: apiCopy })).status, 401)
  // the password still works for a fresh session
  const again = await new Visitor(server).post('/login', { username: v.username, password: PASSWORD })
  assert.equal(again.status, 303)
})

test('logging out of one browser leaves other devices signed in, and the old cookie is dead', async () => {
  const v = await signUp(server)
  const otherDevice = new Visitor(server)
  assert.equal((await otherDevice.post('/login', { username: v.username, password: PASSWORD })).status, 303)
  const copy = new Visitor(server)
  copy.cookies.set('hearth_session', v.sessionToken)
  await v.post('/logout', {})
  assert.equal((await v.get('/rooms')).status, 303)
  assert.equal((await copy.get('/rooms')).status, 303, 'a copy of the logged-out cookie is refused')
  assert.equal((await otherDevice.get('/rooms')).status, 200)
})

test('a garbage session cookie is treated as a guest and cleared', async () => {
  const v = new Visitor(server)
  v.cookies.set('hearth_session', 'not-a-token')
  const res = await v.get('/rooms')
  assert.equal(res.status, 303)
  assert.match(res.location, /^\/login/)
  assert.match(sessionCookieLine(res), /^hearth_session=;.*Max-Age=0/)
})
