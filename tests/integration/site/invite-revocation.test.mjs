// An admin revokes an invite link on /admin/invites: from then on it lets nobody sign up, and says
// so; sign-ups racing the revocation either took their use before it (and are kept) or are refused.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServerWithSuperuser, api } from '../../helpers/admin.mjs'
import { Visitor, signUp, uniqueName, PASSWORD } from '../../helpers/browserless.mjs'
import { fieldError, inputTag } from '../../helpers/markup.mjs'

const REVOKED = 'This invite link was revoked by an admin. Ask for a new one.'
let server, admin, alice

before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600' } })
  admin = new Visitor(server)
  admin.username = uniqueName('admin')
  assert.equal((await admin.post('/setup', { username: admin.username, password: PASSWORD, passwordConfirm: PASSWORD })).status, 303)
  alice = await signUp(server)
  const set = await admin.post('/admin/settings', { registration: 'invite' })
  assert.equal(set.status, 303)
})
after(async () => { await server?.stop() })

/** newInvite makes an invite link and returns its token and record id (the newest invite). */
async function newInvite(maxUses) {
  const made = await admin.post('/admin/invites', { days: '7', maxUses: String(maxUses) })
  assert.equal(made.status, 200)
  const token = /<a id="new-invite" href="\/signup\?invite=([A-Za-z0-9]+)"/.exec(made.text)[1]
  const list = await api(server, 'GET', '/api/collections/invites/records?sort=-created&perPage=1', { token: server.superuserToken })
  return { token, id: list.json.items[0].id }
}

const signUpWith = (token, username = uniqueName('invited')) =>
  new Visitor(server).post('/signup', { invite: token, username, password: PASSWORD, passwordConfirm: PASSWORD })

test('only an admin revokes, from this site; an unknown invite is a 404', async () => {
  const { id } = await newInvite(5)
  assert.equal((await alice.post(`/admin/invites/${id}/revocation`, {})).status, 403)
  const guest = await new Visitor(server).post(`/admin/invites/${id}/revocation`, {})
  assert.equal(guest.status, 303)
  assert.match(guest.location, /^\/login/)
  assert.equal((await admin.post(`/admin/invites/${id}/revocation`, {}, { origin: 'https://evil.example' })).status, 403)
  assert.equal((await admin.post('/admin/invites/nosuchinvite1234/revocation', {})).status, 404)
  const still = await api(server, 'GET', `/api/collections/invites/records/${id}`, { token: server.superuserToken })
  assert.equal(still.json.revoked, '', 'nothing was revoked')
})

test('a revoked link refuses sign-up with 422, says why and keeps what was typed', async () => {
  const { token, id } = await newInvite(5)
  assert.equal((await signUpWith(token)).status, 303, 'usable before')
  const page = await admin.get('/admin/invites')
  assert.match(page.text, new RegExp(`<form method="post" action="/admin/invites/${id}/revocation">`))
  const revoked = await admin.post(`/admin/invites/${id}/revocation`, {})
  assert.equal(revoked.status, 303)
  assert.equal(revoked.location, '/admin/invites')
  const after = (await admin.get('/admin/invites')).text
  assert.match(after, /1 of 5 used, expires [^<]*\(revoked\)/)
  assert.doesNotMatch(after, new RegExp(`/admin/invites/${id}/revocation`), 'nothing left to revoke')
  assert.equal((await admin.post(`/admin/invites/${id}/revocation`, {})).status, 303, 'revoking again changes nothing')

  assert.match((await new Visitor(server).get(`/signup?invite=${token}`)).text, new RegExp(REVOKED))
  const username = uniqueName('late')
  const refused = await signUpWith(token, username)
  assert.equal(refused.status, 422)
  assert.equal(fieldError(refused.text, 'username'), REVOKED)
  assert.match(inputTag(refused.text, 'username'), new RegExp(`value="${username}"`))
  assert.equal((await new Visitor(server).post('/login', { username, password: PASSWORD })).status, 422, 'no account was made')
})

test('sign-ups racing the revocation: each one either used the invite before it or was refused', async () => {
  const { token, id } = await newInvite(1000)
  const names = Array.from({ length: 60 }, () => uniqueName('racer'))
  const signUps = names.map((name) => signUpWith(token, name))
  const revocation = admin.post(`/admin/invites/${id}/revocation`, {})
  const answers = await Promise.all(signUps)
  assert.equal((await revocation).status, 303)
  const made = answers.filter((r) => r.status === 303).length
  assert.ok(answers.every((r) => r.status === 303 || (r.status === 422 && fieldError(r.text, 'username') === REVOKED)),
    answers.map((r) => r.status).join(','))
  const invite = (await api(server, 'GET', `/api/collections/invites/records/${id}`, { token: server.superuserToken })).json
  assert.equal(invite.uses, made, 'every account made took one use, and no refused one did')
  const filter = encodeURIComponent(`username ~ "racer" && created > "${invite.revoked}"`)
  const late = await api(server, 'GET', `/api/collections/users/records?filter=${filter}`, { token: server.superuserToken })
  assert.equal(late.json.totalItems, 0, 'no account made after the revocation')
  assert.equal((await signUpWith(token)).status, 422)
})
