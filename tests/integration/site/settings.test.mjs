// The admin's settings: only admins see or change them (pages and API), bad input is kept and
// explained, and every setting applies at the next request, without a restart. Registration by
// invite: an invite's uses are never exceeded, however many sign up at once.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServerWithSuperuser, api } from '../../helpers/admin.mjs'
import { Visitor, signUp, postMessage, uniqueName, uniqueText, apiToken, nonce, PASSWORD } from '../../helpers/browserless.mjs'
import { fieldError, inputTag } from '../../helpers/markup.mjs'

const DEFAULTS = { siteName: '', registration: 'open', hideAt: '', messageMax: '', limitPosts: '', limitSignups: '' }
let server, admin, alice, bob
before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600' } })
  admin = new Visitor(server)
  admin.username = uniqueName('admin')
  const claimed = await admin.post('/setup', { username: admin.username, password: PASSWORD, passwordConfirm: PASSWORD })
  assert.equal(claimed.status, 303)
  ;[alice, bob] = await Promise.all([signUp(server), signUp(server)])
})
after(async () => { await server?.stop() })

const change = async (values) => {
  const res = await admin.post('/admin/settings', { ...DEFAULTS, ...values })
  assert.equal(res.status, 303, res.text.slice(0, 300))
  assert.equal(res.location, '/admin/settings?saved')
}

test('only admins reach the settings and invites, on the pages and through the API', async () => {
  for (const path of ['/admin/settings', '/admin/invites']) {
    assert.equal((await admin.get(path)).status, 200, path)
    assert.equal((await alice.get(path)).status, 403, path)
    assert.equal((await alice.post(path, { ...DEFAULTS, siteName: 'Mine', days: '1', maxUses: '1' })).status, 403, path)
    const guest = await new Visitor(server).get(path)
    assert.equal(guest.status, 303)
    assert.match(guest.location, /^\/login\?next=/)
  }
  assert.doesNotMatch((await admin.get('/admin/settings')).text, /Mine/)
  assert.match((await admin.get('/rooms/lobby')).text, /<a href="\/admin\/settings">Settings<\/a>/)
  assert.doesNotMatch((await alice.get('/rooms/lobby')).text, /href="\/admin\/settings"/)

  const aliceToken = await apiToken(server, alice.username)
  const adminToken = await apiToken(server, admin.username)
  const theirs = await api(server, 'GET', '/api/collections/settings/records', { token: aliceToken })
  assert.equal(theirs.json.items.length, 0)
  const row = (await api(server, 'GET', '/api/collections/settings/records', { token: adminToken })).json.items[0]
  assert.equal(row.registration, 'open')
  assert.equal((await api(server, 'PATCH', `/api/collections/settings/records/${row.id}`, { token: aliceToken, body: { siteName: 'Mine' } })).status, 404)
  for (const token of [aliceToken, adminToken]) {
    const invites = await api(server, 'GET', '/api/collections/invites/records', { token })
    assert.equal(invites.status, 403, 'invites are the pages\' and superusers\' only')
  }
})

test('a cross-site post changes nothing, and bad input answers 422 with what was typed', async () => {
  const foreign = await admin.post('/admin/settings', { ...DEFAULTS, siteName: 'Evil' }, { origin: 'https://evil.example' })
  assert.equal(foreign.status, 403)
  const bad = await admin.post('/admin/settings', { ...DEFAULTS, siteName: 'Good name', hideAt: 'many', messageMax: '999999', limitPosts: '30 per minute' })
  assert.equal(bad.status, 422)
  assert.match(fieldError(bad.text, 'hideAt'), /whole number from 1 to 1000/)
  assert.match(fieldError(bad.text, 'messageMax'), /whole number from 1 to \d+/)
  assert.match(fieldError(bad.text, 'limitPosts'), /uses\/seconds/)
  assert.match(inputTag(bad.text, 'limitPosts'), /value="30 per minute"/)
  assert.match(inputTag(bad.text, 'siteName'), /value="Good name"/)
  assert.doesNotMatch((await alice.get('/rooms/lobby')).text, /Good name|Evil/, 'nothing saved')
})

test('the site name shows in every page title and header at once', async () => {
  await change({ siteName: 'Campfire <3' })
  const page = await new Visitor(server).get('/login')
  assert.match(page.text, /<title>Log in &middot; Campfire &lt;3<\/title>/)
  assert.match(page.text, /<a class="brand" href="\/">Campfire &lt;3<\/a>/)
  await change({})
  assert.match((await new Visitor(server).get('/login')).text, /<title>Log in &middot; Hearth<\/title>/)
})

test('the message length and the post limit apply at the next post, and undo the same way', async () => {
  await change({ messageMax: '10' })
  const room = await alice.get('/rooms/lobby')
  assert.match(room.text, /data-max="10"/)
  const long = await alice.post('/rooms/lobby/messages', { body: 'x'.repeat(11), nonce: nonce() })
  assert.equal(long.status, 422)
  assert.match(long.text, /at most 10 characters; this one has 11/)
  await postMessage(alice, 'lobby', 'short one')

  await change({ limitPosts: '1/600' })
  assert.equal((await bob.post('/rooms/lobby/messages', { body: 'first', nonce: nonce() })).status, 303)
  assert.equal((await bob.post('/rooms/lobby/messages', { body: 'second', nonce: nonce() })).status, 429)
  await change({})
  assert.equal((await bob.post('/rooms/lobby/messages', { body: 'x'.repeat(11) + ' third', nonce: nonce() })).status, 303, 'the defaults are back')
})

test('the downvotes that hide a message apply at the next vote', async () => {
  await change({ hideAt: '1' })
  assert.match((await alice.get('/rooms/lobby/moderation')).text, /hidden for everyone once 1 members/)
  const text = uniqueText('one downvote hides this')
  const id = await postMessage(alice, 'lobby', text)
  assert.equal((await bob.post(`/rooms/lobby/messages/${id}/reactions`, { emoji: '👎' })).status, 303)
  const stored = await api(server, 'GET', `/api/collections/messages/records/${id}`, { token: server.superuserToken })
  assert.equal(stored.json.moderation, 'hidden')
  await change({})
  assert.match((await alice.get('/rooms/lobby/moderation')).text, /hidden for everyone once 5 members/)
})

test('closed registration refuses sign-ups; the sign-up limit is a setting too', async () => {
  await change({ registration: 'closed' })
  const guest = new Visitor(server)
  const page = await guest.get('/signup')
  assert.match(page.text, /This site takes no new sign-ups/)
  assert.doesNotMatch(page.text, /<form method="post" action="\/signup"/)
  assert.equal((await guest.post('/signup', { username: uniqueName(), password: PASSWORD, passwordConfirm: PASSWORD })).status, 403)
  await change({ limitSignups: '1/3600' })
  assert.equal((await guest.post('/signup', { username: uniqueName(), password: PASSWORD, passwordConfirm: PASSWORD })).status, 429, 'this network has signed up more than once already')
  await change({})
  await signUp(server)
})

test('settings that cannot be read never read as the defaults: closed sign-ups stay closed', async () => {
  await change({ registration: 'closed' })
  const su = (method, path, body) => api(server, method, path, { token: server.superuserToken, body })
  // an operator renames the collection (its table with it): the row cannot be read, which is not "no row"
  assert.equal((await su('PATCH', '/api/collections/settings', { name: 'settings_elsewhere' })).status, 200)
  try {
    const username = uniqueName('shut')
    const res = await new Visitor(server).post('/signup', { username, password: PASSWORD, passwordConfirm: PASSWORD })
    assert.notEqual(res.status, 303, 'no account made')
    const found = await su('GET', `/api/collections/users/records?filter=${encodeURIComponent(`username='${username}'`)}`)
    assert.equal(found.json.items.length, 0)
  } finally {
    assert.equal((await su('PATCH', '/api/collections/settings_elsewhere', { name: 'settings' })).status, 200)
  }
  assert.equal((await new Visitor(server).post('/signup', { username: uniqueName(), password: PASSWORD, passwordConfirm: PASSWORD })).status, 403, 'closed again')
  await change({})
})

test('by invite: a link lets in as many as it says, however many come at once, until it expires', async () => {
  await change({ registration: 'invite' })
  const guest = new Visitor(server)
  assert.match((await guest.get('/signup')).text, /Sign-ups here are by invite/)
  const uninvited = await guest.post('/signup', { username: uniqueName(), password: PASSWORD, passwordConfirm: PASSWORD })
  assert.equal(uninvited.status, 422)

  const bad = await admin.post('/admin/invites', { days: '0', maxUses: 'lots' })
  assert.equal(bad.status, 422)
  assert.match(fieldError(bad.text, 'maxUses'), /whole number of uses/)
  const made = await admin.post('/admin/invites', { days: '7', maxUses: '5' })
  assert.equal(made.status, 200)
  const link = /<a id="new-invite" href="([^"]+)"/.exec(made.text)[1]
  assert.match(link, /^\/signup\?invite=[A-Za-z0-9]+$/)
  const token = link.split('=')[1]
  assert.match((await guest.get(link)).text, new RegExp(`<input type="hidden" name="invite" value="${token}">`))

  const answers = await Promise.all(Array.from({ length: 60 }, () =>
    new Visitor(server).post('/signup', { invite: token, username: uniqueName('invited'), password: PASSWORD, passwordConfirm: PASSWORD })))
  assert.equal(answers.filter((r) => r.status === 303).length, 5, answers.map((r) => r.status).join(','))
  assert.ok(answers.every((r) => r.status === 303 || r.status === 422))
  assert.match((await admin.get('/admin/invites')).text, /5 of 5 used/)

  const expiring = await admin.post('/admin/invites', { days: '1', maxUses: '5' })
  const second = /invite=([A-Za-z0-9]+)/.exec(expiring.text)[1]
  const list = await api(server, 'GET', '/api/collections/invites/records?sort=-created', { token: server.superuserToken })
  await api(server, 'PATCH', `/api/collections/invites/records/${list.json.items[0].id}`, { token: server.superuserToken, body: { expires: '2020-01-01 00:00:00.000Z' } })
  const late = await new Visitor(server).post('/signup', { invite: second, username: uniqueName(), password: PASSWORD, passwordConfirm: PASSWORD })
  assert.equal(late.status, 422)
  assert.match(fieldError(late.text, 'username'), /expired or has been used up/)
  await change({})
})
