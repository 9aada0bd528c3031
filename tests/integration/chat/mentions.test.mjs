// Mentions: an @username of someone who may read the room links to them and is stored on the
// message (data-mentions, which /me/style.css highlights for them); everything else stays text.
// Also the person page a mention leads to, and the composer's name completion route.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServerWithSuperuser, api, userIdOf, roomIdOf } from '../../helpers/admin.mjs'
import { Visitor, signUp, createRoom, postMessage, apiToken, nonce } from '../../helpers/browserless.mjs'
import { messageItem, mentionsOf, messageBodyOf, title } from '../../helpers/markup.mjs'

let server
let owner, member, outsider
const ids = {}
before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_POSTS: '1000/60', HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_ROOMS: '1000/3600', HEARTH_LIMIT_MEMBERSHIPS: '1000/60', HEARTH_LIMIT_EDITS: '1000/60' } })
  ;[owner, member, outsider] = await Promise.all([signUp(server), signUp(server), signUp(server)])
  for (const [role, who] of Object.entries({ owner, member, outsider })) ids[role] = await userIdOf(who)
})
after(async () => { await server?.stop() })

/** a new room of the owner's, with the member in it (the outsider is not) */
async function room(kind) {
  const slug = await createRoom(owner, { kind })
  const added = kind === 'public' ? await member.post(`/rooms/${slug}/membership`, {}) : await owner.post(`/rooms/${slug}/members`, { username: member.username })
  assert.equal(added.status, 303)
  return slug
}

/** posts as the owner and returns the message's fragment as the room page shows it */
async function posted(slug, body, by = owner) {
  const id = await postMessage(by, slug, body)
  const li = messageItem((await by.get(`/rooms/${slug}`)).text, id)
  assert.ok(li, 'the message is on the page')
  return { id, li, body: messageBodyOf(li) }
}

const link = (role, shown = `@${{ owner, member, outsider }[role].username}`) => `<a class="mention" href="/people/${ids[role]}">${shown}</a>`

test('an @username of someone who may read the public room links to them and is stored on the message', async () => {
  const slug = await room('public')
  // the outsider is no member, but anyone may read a public room
  const { li, body } = await posted(slug, `hi @${member.username} and @${outsider.username}, and @${member.username} again`)
  assert.equal(body, `<p>hi ${link('member')} and ${link('outsider')}, and ${link('member')} again</p>`)
  assert.deepEqual(mentionsOf(li), [ids.member, ids.outsider], 'each person once, in order')
})

test('in a private room only members are linked: a non-member stays text', async () => {
  const slug = await room('private')
  const { li, body } = await posted(slug, `@${member.username} @${outsider.username}`)
  assert.equal(body, `<p>${link('member')} @${outsider.username}</p>`)
  assert.deepEqual(mentionsOf(li), [ids.member])
})

for (const kind of ['public', 'private']) {
  test(`in a ${kind} room a mention links exactly the people who can open the room, whatever their role`, async () => {
    const slug = await room(kind)
    const removed = await signUp(server)
    assert.equal((await owner.post(`/rooms/${slug}/members`, { username: removed.username })).status, 303)
    assert.equal((await owner.post(`/rooms/${slug}/members/${removed.username}/removal`, {})).status, 303)
    const everyone = { owner, member, outsider, removed }
    const { body } = await posted(slug, Object.values(everyone).map((who) => `@${who.username}`).join(' '))
    for (const [role, who] of Object.entries(everyone)) {
      const opens = (await who.get(`/rooms/${slug}`)).status === 200
      assert.equal(body.includes(`>@${who.username}</a>`), opens, `${role}: linked ${!opens}, opens the room ${opens}`)
    }
  })
}

test('unknown names, malformed names and a message without mentions stay text', async () => {
  const slug = await room('public')
  const { li, body } = await posted(slug, '@nobody_has_this_name @ab @ @this_name_is_far_too_long_to_be_one')
  assert.equal(body, '<p>@nobody_has_this_name @ab @ @this_name_is_far_too_long_to_be_one</p>')
  assert.deepEqual(mentionsOf(li), [])
  assert.deepEqual(mentionsOf((await posted(slug, 'no one at all')).li), [])
})

test('e-mail addresses, URLs, link text, code spans, code blocks and an escaped @ stay text', async () => {
  const slug = await room('public')
  const m = member.username
  const cases = [
    `${m}@example.com`,
    `write to someone@${m}`,
    `https://example.com/@${m}`,
    `[@${m}](https://example.com)`,
    `\`@${m}\``,
    `\`\`\`\n@${m}\n\`\`\``,
    `indented code:\n\n    @${m}`,
    `\\@${m}`,
    `@${m}.example.org`,
  ]
  for (const text of cases) {
    const { li, body } = await posted(slug, text)
    assert.doesNotMatch(body, /class="mention"/, text)
    assert.ok(body.includes(`@${m}`) || body.includes(`${m}@`), `the name is kept as typed: ${text}`)
    assert.deepEqual(mentionsOf(li), [], text)
  }
})

test('a mention in emphasis, after punctuation, in capitals or before a full stop still links', async () => {
  const slug = await room('public')
  const m = member.username
  for (const [text, expected] of [
    [`**@${m}**`, `<p><strong>${link('member')}</strong></p>`],
    [`(@${m})`, `<p>(${link('member')})</p>`],
    [`thanks @${m}.`, `<p>thanks ${link('member')}.</p>`],
    [`@${m.toUpperCase()}: look`, `<p>${link('member', `@${m.toUpperCase()}`)}: look</p>`],
  ]) {
    const { li, body } = await posted(slug, text)
    assert.equal(body, expected, text)
    assert.deepEqual(mentionsOf(li), [ids.member], text)
  }
})

test('a message posted through the REST API mentions too, and a client cannot set the mentions itself', async () => {
  const slug = await room('private')
  const roomId = await roomIdOf(owner, slug)
  const token = await apiToken(server, owner.username)
  const res = await api(server, 'POST', '/api/collections/messages/records', {
    token,
    body: { room: roomId, author: ids.owner, body: `over REST @${member.username} @${outsider.username}`, mentions: [ids.outsider] },
  })
  assert.equal(res.status, 200, res.text)
  assert.deepEqual(res.json.mentions, [ids.member])
  const li = messageItem((await owner.get(`/rooms/${slug}`)).text, res.json.id)
  assert.deepEqual(mentionsOf(li), [ids.member])
  assert.equal(messageBodyOf(li), `<p>over REST ${link('member')} @${outsider.username}</p>`)
})

test('a mention is decided when the message is saved: membership changes later do not change it, an edit decides again', async () => {
  const slug = await room('private')
  const { id } = await posted(slug, `@${member.username} @${outsider.username}`)
  // the member leaves (removed), the outsider comes in: the posted message stays as it was
  assert.equal((await owner.post(`/rooms/${slug}/members/${member.username}/removal`, {})).status, 303)
  assert.equal((await owner.post(`/rooms/${slug}/members`, { username: outsider.username })).status, 303)
  let li = messageItem((await owner.get(`/rooms/${slug}`)).text, id)
  assert.deepEqual(mentionsOf(li), [ids.member])
  // an edit decides again, with who may read the room now
  const edited = await owner.post(`/rooms/${slug}/messages/${id}/edit`, { body: `@${member.username} @${outsider.username}!` })
  assert.equal(edited.status, 303)
  li = messageItem((await owner.get(`/rooms/${slug}`)).text, id)
  assert.deepEqual(mentionsOf(li), [ids.outsider])
  assert.equal(messageBodyOf(li), `<p>@${member.username} ${link('outsider')}!</p>`)
})

test('deleting a mentioned account saves the message again: the name becomes text', async () => {
  const slug = await room('public')
  const leaving = await signUp(server)
  const leavingId = await userIdOf(leaving)
  const { id, li } = await posted(slug, `bye @${leaving.username}`)
  assert.deepEqual(mentionsOf(li), [leavingId])
  const gone = await api(server, 'DELETE', `/api/collections/users/records/${leavingId}`, { token: server.superuserToken })
  assert.equal(gone.status, 204, gone.text)
  const after = messageItem((await owner.get(`/rooms/${slug}`)).text, id)
  assert.deepEqual(mentionsOf(after), [])
  assert.equal(messageBodyOf(after), `<p>bye @${leaving.username}</p>`)
})

test('the live event of a post carries the same fragment, with its mentions', async () => {
  const slug = await room('public')
  const res = await owner.htmxPost(`/rooms/${slug}/messages`, { body: `live @${member.username}`, nonce: nonce() })
  assert.equal(res.status, 200)
  assert.deepEqual(mentionsOf(res.text), [ids.member])
})

test('each person\'s stylesheet highlights the messages that mention them, by their own id only', async () => {
  const mine = await member.get('/me/style.css')
  assert.equal(mine.status, 200)
  assert.ok(mine.text.includes(`.message[data-mentions~="${ids.member}"]`))
  assert.ok(!mine.text.includes(ids.owner))
})

test('a mention leads to the person\'s page: name, avatar and @username, for anyone signed in', async () => {
  for (const path of [`/people/${ids.member}`, `/people/${member.username}`]) {
    const page = await outsider.get(path)
    assert.equal(page.status, 200, path)
    assert.equal(title(page.text), `${member.username} · Hearth`)
    assert.match(page.text, new RegExp(`<img class="avatar" src="/avatars/${ids.member}"`))
    assert.match(page.text, new RegExp(`<p class="muted">@${member.username}</p>`))
  }
  assert.equal((await outsider.get('/people/nobody_has_this_name')).status, 404)
  const guest = await new Visitor(server).get(`/people/${ids.member}`)
  assert.equal(guest.status, 303)
  assert.match(guest.location, /^\/login\?next=/)
})

test('name completion lists the room\'s members by the start of their username or name, at most 8, as JSON', async () => {
  const slug = await room('public')
  const people = (await member.get(`/rooms/${slug}/mentionable?prefix=${member.username.slice(0, 8)}`))
  assert.equal(people.status, 200)
  assert.match(people.headers.get('content-type'), /application\/json/)
  const found = JSON.parse(people.text).people
  assert.ok(found.some((p) => p.username === member.username && p.name === member.username), people.text)
  assert.ok(found.length <= 8)
  assert.ok(found.every((p) => p.username.startsWith(member.username.slice(0, 8))))
  // the outsider is no member, so not offered (typing their name still mentions them)
  const none = JSON.parse((await member.get(`/rooms/${slug}/mentionable?prefix=${outsider.username}`)).text).people
  assert.deepEqual(none, [])
  // capitals are the same name; an empty prefix lists members too
  assert.deepEqual(JSON.parse((await member.get(`/rooms/${slug}/mentionable?prefix=${owner.username.toUpperCase()}`)).text).people, [{ username: owner.username, name: owner.username }])
  const all = JSON.parse((await member.get(`/rooms/${slug}/mentionable?prefix=`)).text).people
  assert.deepEqual(all.map((p) => p.username).sort(), [owner.username, member.username].sort())
})

test('name completion: only for people who may read the room, and a bad prefix is a 422', async () => {
  const slug = await room('private')
  const path = `/rooms/${slug}/mentionable?prefix=`
  assert.equal((await member.get(path)).status, 200)
  assert.equal((await outsider.get(path)).status, 404)
  const guest = await new Visitor(server).get(path)
  assert.ok([303, 401].includes(guest.status), `a guest gets ${guest.status}`)
  const bad = await member.get(`/rooms/${slug}/mentionable?prefix=${encodeURIComponent("a' OR 1=1")}`)
  assert.equal(bad.status, 422)
  assert.match(bad.text, /letters, digits and underscores/)
  // a prefix with LIKE's wildcards means itself
  assert.deepEqual(JSON.parse((await member.get(`/rooms/${slug}/mentionable?prefix=___`)).text).people, [])
})
