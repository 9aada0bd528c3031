// First run: a fresh install's first visitor creates the first admin, exactly once; an install
// that already has people has no first-run page; the role is the superuser's to give.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../../helpers/server.mjs'
import { startServerWithSuperuser, api } from '../../helpers/admin.mjs'
import { Visitor, signUp, uniqueName, apiToken, PASSWORD } from '../../helpers/browserless.mjs'
import { fieldError, inputTag } from '../../helpers/markup.mjs'

const ENV = { HEARTH_LIMIT_SIGNUPS: '1000/3600' }
const RELEASE = /<footer class="site release">/
const claim = (username) => ({ username, name: '', password: PASSWORD, passwordConfirm: PASSWORD })

let server
before(async () => { server = await startServerWithSuperuser({ env: ENV }) })
after(async () => { await server?.stop() })

test('a fresh install sends the first visitor to set up, and refuses bad input and other sites with the input kept', async () => {
  const guest = new Visitor(server)
  const home = await guest.get('/')
  assert.equal(home.status, 303)
  assert.equal(home.location, '/setup')
  const page = await guest.get('/setup')
  assert.equal(page.status, 200)
  assert.match(page.text, /<title>Set up Hearth &middot; Hearth<\/title>/)
  assert.match(page.text, /<form method="post" action="\/setup"/)
  const bad = await guest.post('/setup', { username: 'No Spaces!', password: 'short', passwordConfirm: 'short' })
  assert.equal(bad.status, 422)
  assert.equal(fieldError(bad.text, 'username'), 'Use 3 to 24 lowercase letters, digits or underscores.')
  assert.match(inputTag(bad.text, 'username'), /value="No Spaces!"/)
  const foreign = await guest.post('/setup', claim(uniqueName('evil')), { origin: 'https://evil.example' })
  assert.equal(foreign.status, 403)
  assert.equal((await guest.get('/setup')).status, 200, 'still nobody: the refused claims made no account')
})

test('on the first run a password of few characters but more than 71 bytes is refused beside the field, the input kept, never a 500', async () => {
  const guest = new Visitor(server)
  const from = server.logs().length
  const accents = 'é'.repeat(40) // 40 characters, 80 bytes: bcrypt takes 72 at most
  const username = uniqueName('first')
  const res = await guest.post('/setup', { username, name: 'Zoë', password: accents, passwordConfirm: accents })
  assert.equal(res.status, 422)
  assert.equal(fieldError(res.text, 'password'), 'Use at most 71 bytes: a plain letter or digit is one, an accented letter two, an emoji four.')
  assert.match(inputTag(res.text, 'username'), new RegExp(`value="${username}"`))
  assert.match(inputTag(res.text, 'name'), /value="Zoë"/)
  assert.doesNotMatch(server.logs().slice(from), /\[hearth\]|GoError|Error:/)
  assert.equal((await guest.get('/setup')).status, 200, 'still nobody')
})

test('of 100 first visits at once exactly one makes an admin; then the page is gone and the admin sees the release', async () => {
  const visitors = Array.from({ length: 100 }, () => new Visitor(server))
  const names = visitors.map(() => uniqueName('first'))
  const answers = await Promise.all(visitors.map((v, i) => v.post('/setup', claim(names[i]))))
  const won = answers.flatMap((res, i) => (res.status === 303 ? [i] : []))
  assert.equal(won.length, 1, `statuses: ${answers.map((r) => r.status).join(',')}`)
  assert.ok(answers.every((res) => res.status === 303 || res.status === 404))
  const users = await api(server, 'GET', '/api/collections/users/records?perPage=200', { token: server.superuserToken })
  assert.equal(users.json.totalItems, 1)
  assert.equal(users.json.items[0].username, names[won[0]])
  assert.equal(users.json.items[0].role, 'admin')

  const admin = visitors[won[0]]
  assert.equal(answers[won[0]].location, '/rooms/lobby')
  const lobby = await admin.get('/rooms/lobby')
  assert.equal(lobby.status, 200, 'the admin is signed in and in the lobby')
  assert.match(lobby.text, RELEASE)

  const late = new Visitor(server)
  assert.equal((await late.get('/setup')).status, 404)
  assert.equal((await late.post('/setup', claim(uniqueName('late')))).status, 404)
  assert.equal((await late.get('/')).location, '/login')
  const someone = await signUp(server)
  assert.doesNotMatch((await someone.get('/rooms/lobby')).text, RELEASE, 'people who are not admins see no release')
})

test('the role is hidden from people on the API and theirs neither to read, filter nor set', async () => {
  const username = uniqueName('plain')
  await signUp(server, username)
  const token = await apiToken(server, username)
  const list = await api(server, 'GET', '/api/collections/users/records?perPage=200', { token })
  assert.equal(list.status, 200)
  assert.ok(list.json.items.length >= 2)
  assert.ok(list.json.items.every((u) => !('role' in u)), 'no role in what people see')
  const filtered = await api(server, 'GET', `/api/collections/users/records?filter=${encodeURIComponent("role='admin'")}`, { token })
  assert.equal(filtered.json?.items?.length ?? 0, 0, 'a hidden field cannot be filtered by people')
  const me = list.json.items.find((u) => u.username === username)
  const promote = await api(server, 'PATCH', `/api/collections/users/records/${me.id}`, { token, body: { role: 'admin' } })
  assert.ok(promote.status === 403 || promote.status === 404, `got ${promote.status}`)
  const after = await api(server, 'GET', `/api/collections/users/records/${me.id}`, { token: server.superuserToken })
  assert.equal(after.json.role, '')

  // a superuser makes admins once people exist
  const made = await api(server, 'PATCH', `/api/collections/users/records/${me.id}`, { token: server.superuserToken, body: { role: 'admin' } })
  assert.equal(made.status, 200)
  const v = new Visitor(server)
  await v.post('/login', { username, password: PASSWORD })
  assert.match((await v.get('/rooms/lobby')).text, RELEASE, 'the role applies to a session at its next request')
})

test('an install that already has people has no first-run page', async () => {
  const existing = await startServer({ env: ENV })
  try {
    await signUp(existing)
    const guest = new Visitor(existing)
    assert.equal((await guest.get('/')).location, '/login')
    assert.equal((await guest.get('/setup')).status, 404)
    const claimed = await guest.post('/setup', claim(uniqueName('late')))
    assert.equal(claimed.status, 404)
  } finally {
    await existing.stop()
  }
})
