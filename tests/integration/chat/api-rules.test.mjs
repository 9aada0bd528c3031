// PocketBase's REST API shows and allows exactly what Hearth's pages do, and nothing more.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { signUp, createRoom, postMessage, apiToken } from '../../helpers/browserless.mjs'
import { messageIds } from '../../helpers/markup.mjs'
import { startServerWithSuperuser, api, userIdOf, roomIdOf } from '../../helpers/admin.mjs'
import { RawSse, apiRealtimeSubscribe } from '../../helpers/sse.mjs'

let server
let owner, member, outsider
let ownerId, memberId, outsiderId
let privateSlug, privateId, publicSlug, publicId, lobbyId
let secretMessage
const tokens = {}

before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_POSTS: '1000/60' } })
  ;[owner, member, outsider] = await Promise.all([signUp(server), signUp(server), signUp(server)])
  ;[ownerId, memberId, outsiderId] = await Promise.all([owner, member, outsider].map(userIdOf))
  privateSlug = await createRoom(owner, { kind: 'private' })
  publicSlug = await createRoom(owner, { kind: 'public' })
  await owner.post(`/rooms/${privateSlug}/members`, { username: member.username })
  privateId = await roomIdOf(owner, privateSlug)
  publicId = await roomIdOf(owner, publicSlug)
  lobbyId = await roomIdOf(owner, 'lobby')
  secretMessage = await postMessage(member, privateSlug, 'the secret plan')
  for (const v of [owner, member, outsider]) tokens[v.username] = await apiToken(server, v.username)
})
after(async () => { await server?.stop() })

const tokenOf = (v) => tokens[v.username]
const q = (filter) => encodeURIComponent(filter)

test("signed-in people see each other's usernames and names, never emails", async () => {
  // the operator gives someone an email in the dashboard (which ends that person's sessions, so
  // it is someone new rather than one of the people the other tests use)
  const mailed = await signUp(server)
  const mailedId = await userIdOf(mailed)
  const set = await api(server, 'PATCH', `/api/collections/users/records/${mailedId}`, { token: server.superuserToken, body: { email: 'mailed@example.com' } })
  assert.equal(set.status, 200, set.text)

  const list = await api(server, 'GET', '/api/collections/users/records?perPage=200', { token: tokenOf(outsider) })
  assert.equal(list.status, 200)
  const seen = list.json.items.find((u) => u.id === mailedId)
  assert.equal(seen.username, mailed.username)
  assert.ok(!seen.email, 'no email')
  assert.ok(!list.text.includes('mailed@example.com'))
  const one = await api(server, 'GET', `/api/collections/users/records/${mailedId}`, { token: tokenOf(outsider) })
  assert.equal(one.status, 200)
  assert.equal(one.json.username, mailed.username)
  assert.ok(!one.text.includes('mailed@example.com'))
  // nor by searching for it
  const probe = await api(server, 'GET', `/api/collections/users/records?filter=${q('email ~ "mailed@"')}`, { token: tokenOf(outsider) })
  assert.ok(probe.status === 400 || probe.json.totalItems === 0, probe.text)
  // the person themself does see it
  const self = await api(server, 'GET', `/api/collections/users/records/${mailedId}`, { token: await apiToken(server, mailed.username) })
  assert.equal(self.json.email, 'mailed@example.com')
})

test('guests see no people, rooms or messages through the API', async () => {
  for (const name of ['users', 'rooms', 'messages', 'memberships']) {
    const res = await api(server, 'GET', `/api/collections/${name}/records`)
    assert.equal(res.status, 200, name)
    assert.equal(res.json.totalItems, 0, name)
  }
  assert.equal((await api(server, 'GET', `/api/collections/rooms/records/${lobbyId}`)).status, 404)
})

test("a non-member cannot see a private room or its messages or members through the API", async () => {
  const token = tokenOf(outsider)
  const rooms = await api(server, 'GET', '/api/collections/rooms/records?perPage=200', { token })
  assert.equal(rooms.status, 200)
  const ids = rooms.json.items.map((r) => r.id)
  assert.ok(ids.includes(publicId) && ids.includes(lobbyId))
  assert.ok(!ids.includes(privateId))
  assert.equal((await api(server, 'GET', `/api/collections/rooms/records/${privateId}`, { token })).status, 404)

  const messages = await api(server, 'GET', `/api/collections/messages/records?filter=${q(`room = "${privateId}"`)}`, { token })
  assert.equal(messages.status, 200)
  assert.equal(messages.json.totalItems, 0)
  const all = await api(server, 'GET', '/api/collections/messages/records?perPage=200', { token })
  assert.ok(!all.text.includes('the secret plan'))
  assert.equal((await api(server, 'GET', `/api/collections/messages/records/${secretMessage}`, { token })).status, 404)
  const expanded = await api(server, 'GET', `/api/collections/memberships/records?filter=${q(`room = "${privateId}"`)}`, { token })
  assert.equal(expanded.json.totalItems, 0)
})

test('a member reads the private room and its messages through the API, without hidden fields', async () => {
  const token = tokenOf(member)
  assert.equal((await api(server, 'GET', `/api/collections/rooms/records/${privateId}`, { token })).status, 200)
  const one = await api(server, 'GET', `/api/collections/messages/records/${secretMessage}`, { token })
  assert.equal(one.status, 200)
  assert.equal(one.json.body, 'the secret plan')
  assert.equal(one.json.author, memberId)
  assert.ok(!('nonce' in one.json) && !('html' in one.json), 'the one-time token and rendered html stay hidden')
  const room = await api(server, 'GET', `/api/collections/rooms/records/${privateId}`, { token })
  assert.ok(!('lastNumber' in room.json) && !('lastSeq' in room.json))
  const members = await api(server, 'GET', `/api/collections/memberships/records?filter=${q(`room = "${privateId}"`)}`, { token })
  assert.equal(members.json.totalItems, 2)
})

test('a member posts through the API as themself; Hearth renders it, and what they send as html or position is ignored', async () => {
  const res = await api(server, 'POST', '/api/collections/messages/records', {
    token: tokenOf(member),
    body: { room: privateId, author: memberId, body: '  via the *API*  ', html: '<script>alert(1)</script>', number: 99999, edited: true },
  })
  assert.equal(res.status, 200, res.text)
  assert.equal(res.json.body, 'via the *API*')
  assert.equal(res.json.edited, false)
  assert.ok(res.json.number > 0 && res.json.number !== 99999, `numbered by Hearth: ${res.json.number}`)
  assert.ok(!('seq' in res.json), 'a message has a number; seq names room events only')
  const page = await owner.get(`/rooms/${privateSlug}`)
  assert.ok(messageIds(page.text).includes(res.json.id))
  assert.match(page.text, /<p>via the <em>API<\/em><\/p>/)
  assert.doesNotMatch(page.text, /<script>alert/)
})

test('through the API, bodies follow the same rules as the form', async () => {
  for (const body of ['x'.repeat(4001), '   ']) {
    const res = await api(server, 'POST', '/api/collections/messages/records', { token: tokenOf(member), body: { room: privateId, author: memberId, body } })
    assert.equal(res.status, 400, res.text)
  }
})

test("the messages collection's body max is the one limit: the composer, the edit form and the page's refusal follow it", async () => {
  const bodyField = async () => (await api(server, 'GET', '/api/collections/messages', { token: server.superuserToken })).json.fields.find((f) => f.name === 'body')
  const maxlengths = async () => {
    const room = (await member.get(`/rooms/${privateSlug}`)).text
    const edit = (await member.get(`/rooms/${privateSlug}/messages/${secretMessage}/edit`)).text
    return [room, edit].map((html) => Number(/<textarea id="body"[^>]*\bdata-max="(\d+)"/.exec(html)?.[1]))
  }
  const setMax = async (max) => {
    const { json } = await api(server, 'GET', '/api/collections/messages', { token: server.superuserToken })
    const fields = json.fields.map((f) => (f.name === 'body' ? { ...f, max } : f))
    const res = await api(server, 'PATCH', '/api/collections/messages', { token: server.superuserToken, body: { fields } })
    assert.equal(res.status, 200, res.text)
  }
  assert.equal((await bodyField()).max, 4000)
  assert.deepEqual(await maxlengths(), [4000, 4000])
  // an operator who changes it in the dashboard changes it everywhere
  await setMax(50)
  try {
    assert.deepEqual(await maxlengths(), [50, 50])
    const res = await member.post(`/rooms/${privateSlug}/messages`, { body: 'x'.repeat(51) })
    assert.equal(res.status, 422)
    assert.match(res.text, /Messages can be at most 50 characters; this one has 51\./)
  } finally {
    await setMax(4000)
  }
  assert.deepEqual(await maxlengths(), [4000, 4000])
})

test('nobody can post through the API as someone else, or into a room they are not a member of', async () => {
  const attempts = [
    [outsider, { room: privateId, author: outsiderId, body: 'sneaking in' }],
    [outsider, { room: privateId, author: memberId, body: 'sneaking in' }],
    [outsider, { room: publicId, author: outsiderId, body: 'not joined yet' }],
    [member, { room: privateId, author: ownerId, body: 'pretending to be the owner' }],
    [member, { room: lobbyId, author: ownerId, body: 'pretending to be the owner' }],
  ]
  for (const [who, body] of attempts) {
    const res = await api(server, 'POST', '/api/collections/messages/records', { token: tokenOf(who), body })
    assert.equal(res.status, 400, `${who.username}: ${JSON.stringify(body)} -> ${res.text}`)
  }
  const guest = await api(server, 'POST', '/api/collections/messages/records', { body: { room: lobbyId, author: ownerId, body: 'guest' } })
  assert.equal(guest.status, 400)
  for (const slug of [privateSlug, publicSlug, 'lobby']) {
    const page = await owner.get(`/rooms/${slug}`)
    assert.doesNotMatch(page.text, /sneaking in|not joined yet|pretending to be the owner|>guest</)
  }
})

test('nobody can edit or delete messages through the API, not even their own', async () => {
  const own = await postMessage(member, privateSlug, 'edit me via the API')
  const token = tokenOf(member)
  const update = await api(server, 'PATCH', `/api/collections/messages/records/${own}`, { token, body: { body: 'changed' } })
  assert.equal(update.status, 403, update.text)
  const ownerDelete = await api(server, 'DELETE', `/api/collections/messages/records/${own}`, { token: tokenOf(owner) })
  assert.equal(ownerDelete.status, 403, ownerDelete.text)
  const selfDelete = await api(server, 'DELETE', `/api/collections/messages/records/${own}`, { token })
  assert.equal(selfDelete.status, 403, selfDelete.text)
  const page = await owner.get(`/rooms/${privateSlug}`)
  assert.ok(messageIds(page.text).includes(own))
  assert.match(page.text, /edit me via the API/)
})

test('nobody can create, change or end memberships through the API', async () => {
  const join = await api(server, 'POST', '/api/collections/memberships/records', {
    token: tokenOf(outsider),
    body: { room: privateId, user: outsiderId, role: 'owner' },
  })
  assert.equal(join.status, 403, join.text)
  assert.equal((await outsider.get(`/rooms/${privateSlug}`)).status, 404)

  const ownerAdds = await api(server, 'POST', '/api/collections/memberships/records', {
    token: tokenOf(owner),
    body: { room: privateId, user: outsiderId, role: 'member' },
  })
  assert.equal(ownerAdds.status, 403, ownerAdds.text)

  const mine = await api(server, 'GET', `/api/collections/memberships/records?filter=${q(`room = "${privateId}" && user = "${memberId}"`)}`, { token: tokenOf(member) })
  const membershipId = mine.json.items[0].id
  const promote = await api(server, 'PATCH', `/api/collections/memberships/records/${membershipId}`, { token: tokenOf(member), body: { role: 'owner' } })
  assert.equal(promote.status, 403)
  const end = await api(server, 'DELETE', `/api/collections/memberships/records/${membershipId}`, { token: tokenOf(owner) })
  assert.equal(end.status, 403)
  const page = await member.get(`/rooms/${privateSlug}`)
  assert.equal(page.status, 200)
  assert.match(page.text, /data-role="member"/)
})

test('rooms and accounts are made and changed through Hearth only, not the API', async () => {
  const make = await api(server, 'POST', '/api/collections/rooms/records', { token: tokenOf(outsider), body: { name: 'API room', slug: 'api-room', kind: 'public' } })
  assert.equal(make.status, 403)
  const rename = await api(server, 'PATCH', `/api/collections/rooms/records/${publicId}`, { token: tokenOf(owner), body: { kind: 'private' } })
  assert.equal(rename.status, 403)
  const remove = await api(server, 'DELETE', `/api/collections/rooms/records/${publicId}`, { token: tokenOf(owner) })
  assert.equal(remove.status, 403)
  const signup = await api(server, 'POST', '/api/collections/users/records', { body: { username: 'api_user', password: 'long-enough-pass', passwordConfirm: 'long-enough-pass' } })
  assert.equal(signup.status, 403)
  const renameSelf = await api(server, 'PATCH', `/api/collections/users/records/${outsiderId}`, { token: tokenOf(outsider), body: { username: 'new_name', emailVisibility: true } })
  assert.equal(renameSelf.status, 403)
  assert.equal((await outsider.get(`/rooms/${publicSlug}`)).status, 200)
})

test('only superusers may sort or filter people by their hidden email', async () => {
  // two people whose emails sort the other way round from their usernames
  const tag = Math.random().toString(16).slice(2, 8)
  const [first, last] = await Promise.all([signUp(server, `aaa_${tag}`), signUp(server, `zzz_${tag}`)])
  const [firstId, lastId] = await Promise.all([first, last].map(userIdOf))
  for (const [id, email] of [[firstId, `zz-${tag}@example.com`], [lastId, `aa-${tag}@example.com`]]) {
    const set = await api(server, 'PATCH', `/api/collections/users/records/${id}`, { token: server.superuserToken, body: { email } })
    assert.equal(set.status, 200, set.text)
  }
  // and a message by each, to order messages by their authors' emails
  await postMessage(owner, publicSlug, 'by the owner')
  const both = q(`id = "${firstId}" || id = "${lastId}"`)
  const list = (query, token) => api(server, 'GET', `/api/collections/users/records?filter=${both}&${query}`, { token })
  const order = (res) => res.json.items.map((u) => u.id)

  // the control: sorting by username works for everyone
  const byName = await list('sort=username', tokenOf(outsider))
  assert.equal(byName.status, 200, byName.text)
  assert.deepEqual(order(byName), [firstId, lastId])

  const refused = {
    'sort=email': `sort=email`,
    'sort=-email': `sort=-email`,
    'sort=+email': `sort=${encodeURIComponent('+email')}`,
    'sort=username,-email': `sort=${encodeURIComponent('username,-email')}`,
    'sort=email:lower': `sort=${encodeURIComponent('email:lower')}`,
    'a second sort parameter': `sort=username&sort=email`,
    "filter email > 'm'": `filter=${q("email > 'm'")}`,
    'filter inside a group': `filter=${q("(username != '' && email:lower ~ 'a%')")}`,
  }
  for (const [what, query] of Object.entries(refused)) {
    const res = await list(query, tokenOf(outsider))
    assert.equal(res.status, 400, `${what}: ${res.text}`)
    assert.match(res.json.message, /Only superusers can sort or filter by email/, what)
    assert.ok(!res.json.items, what)
  }
  // through a relation, on another collection
  const viaAuthor = await api(server, 'GET', `/api/collections/messages/records?sort=${encodeURIComponent('-author.email')}`, { token: tokenOf(owner) })
  assert.equal(viaAuthor.status, 400, viaAuthor.text)
  // PocketBase itself refuses @request fields in a sort or filter (403)
  const viaRequest = await list(`sort=${encodeURIComponent('@request.auth.email')}`, tokenOf(outsider))
  assert.ok(viaRequest.status >= 400 && viaRequest.status < 500, viaRequest.text)
  // text that merely mentions email is fine
  assert.equal((await list(`sort=username&filter=${q("username != 'email'")}`, tokenOf(outsider))).status, 200)

  // the operator keeps both
  const sorted = await list('sort=email', server.superuserToken)
  assert.equal(sorted.status, 200, sorted.text)
  assert.deepEqual(order(sorted), [lastId, firstId])
  assert.deepEqual(order(await list('sort=-email', server.superuserToken)), [firstId, lastId])
  const found = await api(server, 'GET', `/api/collections/users/records?filter=${q(`email = "aa-${tag}@example.com"`)}`, { token: server.superuserToken })
  assert.deepEqual(order(found), [lastId])
})

test("no filter, sort or realtime subscription reads another person's messages or rooms through a back-relation or a relation to many", async () => {
  // PocketBase checks a related collection's rules on a filter's path, except in the subquery it
  // builds for back-relations and relations to many with operators like != and !~: through the
  // people's list, an outsider could tell whether some message of the member's, anywhere, matched
  const ask = (query) => api(server, 'GET', `/api/collections/users/records?filter=${q(`id = "${memberId}"`)}&${query}`, { token: tokenOf(outsider) })
  // the control: filtering by a person's own fields works
  const plain = await ask(`fields=id`)
  assert.equal(plain.status, 200, plain.text)
  assert.equal(plain.json.totalItems, 1)
  const probes = {
    'not matching the secret': `filter=${q(`messages_via_author.body !~ "secret plan"`)}`,
    'not matching something else': `filter=${q(`messages_via_author.body !~ "nothing like it"`)}`,
    'not equal': `filter=${q(`messages_via_author.body != "the secret plan"`)}`,
    'an any-operator': `filter=${q(`messages_via_author.body ?~ "secret"`)}`,
    'a count': `filter=${q('messages_via_author:length > 0')}`,
    'a private room by membership': `filter=${q(`memberships_via_user.room.kind != "private"`)}`,
    'inside a group': `filter=${q(`(username != "" && (messages_via_author.body !~ "secret"))`)}`,
    'a sort': `sort=${encodeURIComponent('-messages_via_author.created')}`,
  }
  for (const [what, query] of Object.entries(probes)) {
    const res = await ask(query)
    assert.equal(res.status, 400, `${what}: ${res.text}`)
    assert.match(res.json.message, /back-relations or relations to many/, what)
    assert.ok(!res.json.items, what)
  }
  // the same through the mentions, a relation to many people, from the messages an outsider may read
  await postMessage(owner, publicSlug, `hello @${member.username}`)
  const mentions = await api(server, 'GET', `/api/collections/messages/records?filter=${q(`mentions.username != "x"`)}`, { token: tokenOf(outsider) })
  assert.equal(mentions.status, 400, mentions.text)
  // a single relation stays open (its rules apply): the messages of the public room by room name
  const byRoom = await api(server, 'GET', `/api/collections/messages/records?filter=${q(`room.slug = "${publicSlug}"`)}`, { token: tokenOf(outsider) })
  assert.equal(byRoom.status, 200, byRoom.text)

  // PocketBase's realtime filters a subscription's events the same way: refused there too
  const conn = new RawSse(server)
  await conn.connect()
  try {
    const options = (query) => `users/*?options=${encodeURIComponent(JSON.stringify({ query }))}`
    const refused = await apiRealtimeSubscribe(server, conn.clientId, [options({ filter: 'messages_via_author.body !~ "secret"' })], { token: tokenOf(outsider) })
    assert.equal(refused.status, 400, refused.text)
    assert.match(refused.text, /back-relations or relations to many/)
    const fine = await apiRealtimeSubscribe(server, conn.clientId, [options({ filter: 'username != ""' })], { token: tokenOf(outsider) })
    assert.equal(fine.status, 204, fine.text)
  } finally {
    conn.close()
  }

  // the operator keeps every filter
  const operator = await api(server, 'GET', `/api/collections/users/records?filter=${q(`messages_via_author.room = "${privateId}"`)}`, { token: server.superuserToken })
  assert.equal(operator.status, 200, operator.text)
  assert.deepEqual(operator.json.items.map((u) => u.id), [memberId])
})
