// An admin disables an account: its sessions and API tokens end, its live connection closes, and
// it can log in neither on the pages nor through the API until enabled again. Only admins may.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServerWithSuperuser, api } from '../../helpers/admin.mjs'
import { Visitor, signUp, logIn, apiToken, uniqueName, PASSWORD } from '../../helpers/browserless.mjs'
import { Subscriber } from '../../helpers/sse.mjs'
import { liveAttributes, fieldError } from '../../helpers/markup.mjs'

let server, admin
before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_FAILED_LOGINS: '1000/600' } })
  admin = new Visitor(server)
  admin.username = uniqueName('admin')
  assert.equal((await admin.post('/setup', { username: admin.username, password: PASSWORD, passwordConfirm: PASSWORD })).status, 303)
})
after(async () => { await server?.stop() })

const closedWithin = (s, ms) => Promise.race([s.ended.then(() => true), sleep(ms).then(() => false)])

test('a disabled account is signed out everywhere at once and cannot log in again until enabled', async () => {
  const bob = await signUp(server)
  const phone = await logIn(server, bob.username)
  const token = await apiToken(server, bob.username)
  const liveTab = new Subscriber(bob)
  await liveTab.connect()
  assert.equal((await liveTab.subscribe([liveAttributes((await bob.get('/rooms/lobby')).text).topic])).status, 200)

  const people = await admin.get('/admin/people')
  assert.equal(people.status, 200)
  assert.match(people.text, new RegExp(`action="/admin/people/${bob.username}/disabled"`))
  const res = await admin.post(`/admin/people/${bob.username}/disabled`, { disabled: 'true' })
  assert.equal(res.status, 303)
  assert.equal(res.location, '/admin/people')

  assert.ok(await closedWithin(liveTab, 3000), 'the live connection closed')
  for (const v of [bob, phone]) assert.equal((await v.get('/rooms')).status, 303, 'every session ended')
  assert.equal((await api(server, 'POST', '/api/collections/users/auth-refresh', { token })).status, 401, 'the API token ended')
  const again = await new Visitor(server).post('/login', { username: bob.username, password: PASSWORD })
  assert.equal(again.status, 422)
  assert.equal(fieldError(again.text, 'username'), 'This account is disabled. Ask an admin of this site.')
  const viaApi = await api(server, 'POST', '/api/collections/users/auth-with-password', { body: { identity: bob.username, password: PASSWORD } })
  assert.equal(viaApi.status, 403)

  assert.equal((await admin.post(`/admin/people/${bob.username}/disabled`, { disabled: 'false' })).status, 303)
  await logIn(server, bob.username)
  await apiToken(server, bob.username)
})

test('only admins disable, never from another site, and an admin cannot disable themselves', async () => {
  const [alice, carol] = await Promise.all([signUp(server), signUp(server)])
  assert.equal((await alice.get('/admin/people')).status, 403)
  assert.equal((await alice.post(`/admin/people/${carol.username}/disabled`, { disabled: 'true' })).status, 403)
  assert.equal((await admin.post(`/admin/people/${carol.username}/disabled`, { disabled: 'true' }, { origin: 'https://evil.example' })).status, 403)
  assert.equal((await carol.get('/rooms')).status, 200, 'carol is still signed in')
  const self = await admin.post(`/admin/people/${admin.username}/disabled`, { disabled: 'true' })
  assert.equal(self.status, 409)
  // a refusal is no server failure: its page says what could not be done, not "Something went wrong"
  assert.match(self.text, /<h1>That could not be done<\/h1>/)
  assert.match(self.text, /You cannot disable your own account/)
  assert.equal((await admin.post('/admin/people/nobody_here/disabled', { disabled: 'true' })).status, 404)
  assert.equal((await admin.get('/admin/people')).status, 200, 'the admin is still signed in')
})

test('an admin makes another person an admin, who then may act as one at once; and takes it back', async () => {
  const dana = await signUp(server)
  assert.equal((await dana.get('/admin/settings')).status, 403)
  const people = await admin.get('/admin/people')
  assert.match(people.text, new RegExp(`action="/admin/people/${dana.username}/admin"`))
  assert.doesNotMatch(people.text, new RegExp(`action="/admin/people/${admin.username}/(admin|disabled)"`), 'no buttons against oneself')
  const made = await admin.post(`/admin/people/${dana.username}/admin`, { admin: 'true' })
  assert.equal(made.status, 303)
  assert.equal(made.location, '/admin/people')
  assert.equal((await dana.get('/admin/settings')).status, 200, 'her open session is an admin now')
  assert.match((await admin.get('/admin/people')).text, new RegExp(`@${dana.username}, admin`))

  assert.equal((await admin.post(`/admin/people/${dana.username}/admin`, { admin: 'false' })).status, 303)
  assert.equal((await dana.get('/admin/settings')).status, 403, 'and not any more, at her next request')
})

test('only admins change roles, never from another site, and nobody stops being an admin by themselves', async () => {
  const [erin, fay] = await Promise.all([signUp(server), signUp(server)])
  assert.equal((await erin.post(`/admin/people/${erin.username}/admin`, { admin: 'true' })).status, 403)
  assert.equal((await erin.post(`/admin/people/${fay.username}/admin`, { admin: 'true' })).status, 403)
  assert.equal((await admin.post(`/admin/people/${fay.username}/admin`, { admin: 'true' }, { origin: 'https://evil.example' })).status, 403)
  assert.equal((await fay.get('/admin/people')).status, 403)
  const own = await admin.post(`/admin/people/${admin.username}/admin`, { admin: 'false' })
  assert.equal(own.status, 409)
  assert.match(own.text, /another admin can do it/)
  assert.equal((await admin.post('/admin/people/nobody_here/admin', { admin: 'true' })).status, 404)
  assert.equal((await admin.get('/admin/people')).status, 200, 'still an admin')
})

test('two admins removing or disabling each other at the same moment: one of them stays an enabled admin', async () => {
  for (let round = 0; round < 10; round++) {
    const [a, b] = await Promise.all([signUp(server), signUp(server)])
    for (const v of [a, b]) assert.equal((await admin.post(`/admin/people/${v.username}/admin`, { admin: 'true' })).status, 303)
    const both = round % 2
      ? [a.post(`/admin/people/${b.username}/admin`, { admin: 'false' }), b.post(`/admin/people/${a.username}/admin`, { admin: 'false' })]
      : [a.post(`/admin/people/${b.username}/disabled`, { disabled: 'true' }), b.post(`/admin/people/${a.username}/disabled`, { disabled: 'true' })]
    // the loser is refused (403), or finds its session already ended by the winner (to the log-in page)
    const answers = (await Promise.all(both)).map((r) => (r.status === 303 ? r.location.replace(/\?.*/, '') : r.status))
    assert.deepEqual(answers.filter((x) => x === '/admin/people').length, 1, `round ${round}: one change wins (${answers})`)
    assert.ok(answers.every((x) => [403, '/admin/people', '/login'].includes(x)), `round ${round}: ${answers}`)
    const standing = await Promise.all([a, b].map(async (v) => (await v.get('/admin/settings')).status))
    assert.deepEqual(standing.filter((s) => s === 200).length, 1, `round ${round}: exactly one of them is still an admin (${standing})`)
  }
})
