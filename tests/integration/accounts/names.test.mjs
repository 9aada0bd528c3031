// Nobody can pass as someone else: display names refuse characters that hide or reorder text,
// every message shows its author's unique @username, and avatars rarely coincide.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Visitor, signUp, postMessage, uniqueName, PASSWORD } from '../../helpers/browserless.mjs'
import { startServerWithSuperuser, api } from '../../helpers/admin.mjs'
import { fieldError, messageItem } from '../../helpers/markup.mjs'

let server
before(async () => { server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600' } }) })
after(async () => { await server?.stop() })

const REFUSED = {
  'a right-to-left override': ['\u202Enimda_ecila', /invisible characters such as direction overrides or zero-width spaces \(U\+202E\)/],
  'a zero-width space': ['\u200B', /invisible characters[^<]*\(U\+200B\)/],
  'a zero-width joiner inside': ['Ali\u200Dce', /invisible characters[^<]*\(U\+200D\)/],
  'a control character': ['Alice\u001b[31m', /control characters such as tabs or line breaks \(U\+001B\)/],
  'a line break': ['Alice\nAdmin', /control characters[^<]*\(U\+000A\)/],
  'an unassigned code point': ['Alice \u0378', /characters Unicode has not assigned yet \(U\+0378\)/],
  'a private-use character': ['Alice \uE000', /private-use characters \(U\+E000\)/],
}

/** userRecord finds a user through the superuser's REST API. */
async function userRecord(username) {
  const res = await api(server, 'GET', `/api/collections/users/records?filter=${encodeURIComponent(`username="${username}"`)}`, { token: server.superuserToken })
  return res.json.items[0]
}

for (const [what, [name, message]] of Object.entries(REFUSED)) {
  test(`sign-up refuses a display name with ${what}, keeps the form and makes no account`, async () => {
    const username = uniqueName()
    const v = new Visitor(server)
    const res = await v.post('/signup', { username, name, password: PASSWORD, passwordConfirm: PASSWORD })
    assert.equal(res.status, 422)
    assert.match(fieldError(res.text, 'name'), new RegExp(`^Display names cannot contain ${message.source}`))
    assert.match(res.text, new RegExp(`id="username"[^>]*value="${username}"`))
    assert.equal(v.sessionToken, undefined)
    assert.equal(await userRecord(username), undefined)
  })

  test(`a REST update of users.name refuses ${what}`, async () => {
    const person = await signUp(server)
    const { id } = await userRecord(person.username)
    const res = await api(server, 'PATCH', `/api/collections/users/records/${id}`, { token: server.superuserToken, body: { name } })
    assert.equal(res.status, 400, res.text)
    assert.match(res.json.data.name.message, message)
    assert.equal((await userRecord(person.username)).name, person.username, 'the name did not change')
  })
}

test('names are stored in NFC with spaces collapsed; an empty or blank name falls back to the username', async () => {
  const decomposed = 'Zoe\u0301   Q.'
  const username = uniqueName()
  const res = await new Visitor(server).post('/signup', { username, name: `  ${decomposed} `, password: PASSWORD, passwordConfirm: PASSWORD })
  assert.equal(res.status, 303)
  assert.equal((await userRecord(username)).name, 'Zo\u00e9 Q.')

  const blank = uniqueName()
  assert.equal((await new Visitor(server).post('/signup', { username: blank, name: ' \u3000 ', password: PASSWORD, passwordConfirm: PASSWORD })).status, 303)
  assert.equal((await userRecord(blank)).name, blank)

  // through the REST API too
  const { id } = await userRecord(username)
  const patched = await api(server, 'PATCH', `/api/collections/users/records/${id}`, { token: server.superuserToken, body: { name: '  Ame\u0301lie  ' } })
  assert.equal(patched.status, 200, patched.text)
  assert.equal(patched.json.name, 'Am\u00e9lie')
  const emptied = await api(server, 'PATCH', `/api/collections/users/records/${id}`, { token: server.superuserToken, body: { name: '   ' } })
  assert.equal(emptied.json.name, username)
})

test('"Alice Admin" cannot pass for Alice: each message shows the unique @username in its author, and their avatars differ', async () => {
  const alice = await signUp(server, uniqueName('alice'))
  const impostor = new Visitor(server)
  const impostorName = uniqueName('alice_admin')
  assert.equal((await impostor.post('/signup', { username: impostorName, name: alice.username, password: PASSWORD, passwordConfirm: PASSWORD })).status, 303)
  impostor.username = impostorName
  const real = await postMessage(alice, 'lobby', 'the real one')
  const fake = await postMessage(impostor, 'lobby', 'the impostor')
  const page = (await alice.get('/rooms/lobby')).text
  const author = (id) => /<strong class="author">([^]*?)<\/strong>/.exec(messageItem(page, id))[1]
  const nameLink = (visitor) => new RegExp(`^<a class="author-name" href="/people/[a-z0-9]{15}" tabindex="-1">${alice.username}</a> <span class="handle">@${visitor}</span>$`)
  assert.match(author(real), nameLink(alice.username))
  assert.match(author(fake), nameLink(impostorName))
  const avatar = async (u) => (await alice.get(`/avatars/${u}`)).text
  assert.notEqual(await avatar(alice.username), await avatar(impostorName))
})
