// One access policy: for every role, what Hearth's policy (src/chat/policy.ts) answers is what
// PocketBase's REST API rules and Hearth's pages do: nobody reads or posts through one door what
// another keeps closed.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServerWithSuperuser, api, roomIdOf, userIdOf } from '../../helpers/admin.mjs'
import { Visitor, signUp, createRoom, postMessage, apiToken } from '../../helpers/browserless.mjs'

// A fixture page that asks the policy itself, for whoever is signed in (or a guest).
const ASK = `<%
  const room = $app.findFirstRecordByData('rooms', 'slug', params.slug)
  const s = policy.standingIn(room, user ? user.id : null)
  response.type('application/json')
%><%- JSON.stringify({ read: policy.mayRead(s), post: policy.mayPost(s), join: policy.mayJoin(s), leave: policy.mayLeave(s), manage: policy.mayManageMembers(s),
  react: policy.mayReact(s), downvote: policy.mayDownvote(s, room.getString('creator')), moderate: policy.mayModerate(s), readModeration: policy.mayReadModeration(s) }) %>`

let server
const people = {}
const rooms = {}

before(async () => {
  server = await startServerWithSuperuser({ extraPages: { 'test-policy/[slug].ejs': ASK } })
  const [owner, member, outsider, removed, admin] = await Promise.all(Array.from({ length: 5 }, () => signUp(server)))
  Object.assign(people, { owner, member, outsider, removed, admin, guest: new Visitor(server) })
  // an admin who is in neither room: what being an admin alone gives
  const adminId = await userIdOf(admin)
  assert.equal((await api(server, 'PATCH', `/api/collections/users/records/${adminId}`, { token: server.superuserToken, body: { role: 'admin' } })).status, 200)
  for (const kind of ['public', 'private']) {
    const slug = await createRoom(owner, { kind })
    for (const who of [member, removed]) {
      assert.equal((await owner.post(`/rooms/${slug}/members`, { username: who.username })).status, 303)
    }
    const message = await postMessage(owner, slug, `hello from the ${kind} room`)
    // hidden by an operator: what only the room's moderators read, and a first entry in its log
    const hidden = await postMessage(owner, slug, `hidden in the ${kind} room`)
    const patched = await api(server, 'PATCH', `/api/collections/messages/records/${hidden}`, { token: server.superuserToken, body: { moderation: 'hidden' } })
    assert.equal(patched.status, 200, patched.text)
    assert.equal((await owner.post(`/rooms/${slug}/members/${removed.username}/removal`, {})).status, 303)
    rooms[kind] = { slug, id: await roomIdOf(owner, slug), message, hidden }
  }
})
after(async () => {
  await server?.stop()
})

async function restAnswers(who, room) {
  const token = who.username ? await apiToken(server, who.username) : undefined
  const list = async (collection) => {
    const res = await api(server, 'GET', `/api/collections/${collection}/records?filter=${encodeURIComponent(`room = "${room.id}"`)}`, { token })
    return res.status === 200 && res.json.items.length > 0
  }
  const view = await api(server, 'GET', `/api/collections/rooms/records/${room.id}`, { token })
  const authorId = token ? JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).id : ''
  const created = await api(server, 'POST', '/api/collections/messages/records', { token, body: { room: room.id, author: authorId, body: 'through the API' } })
  const reaction = (emoji) => api(server, 'POST', '/api/collections/reactions/records', { token, body: { message: room.message, room: room.id, user: authorId, emoji } })
  const hidden = await api(server, 'GET', `/api/collections/messages/records/${room.hidden}`, { token })
  return {
    react: (await reaction('👍')).status === 200,
    downvote: (await reaction('👎')).status === 200,
    readHidden: hidden.status === 200,
    readModeration: await list('moderation_log'),
    viewRoom: view.status === 200,
    listMessages: await list('messages'),
    listEvents: await list('room_events'),
    listMembers: await list('memberships'),
    post: created.status === 200,
  }
}

for (const kind of ['public', 'private']) {
  for (const role of ['guest', 'outsider', 'removed', 'member', 'owner', 'admin']) {
    test(`${role} in a ${kind} room: the REST API and the pages answer as the policy does`, async () => {
      const who = people[role]
      const room = rooms[kind]
      const asked = await who.get(`/test-policy/${room.slug}`)
      assert.equal(asked.status, 200, asked.text.slice(0, 200))
      const policy = JSON.parse(asked.text)
      const rest = await restAnswers(who, room)
      assert.deepEqual(rest, {
        react: policy.react,
        downvote: policy.downvote,
        readHidden: policy.moderate,
        readModeration: policy.readModeration,
        viewRoom: policy.read,
        listMessages: policy.read,
        listEvents: policy.read,
        listMembers: policy.read,
        post: policy.post,
      })
      const page = await who.get(`/rooms/${room.slug}`)
      assert.equal(page.status === 200, policy.read, `the room page (status ${page.status})`)
      const log = await who.get(`/rooms/${room.slug}/moderation`)
      assert.equal(log.status === 200, policy.readModeration, `the moderation page (status ${log.status})`)
      assert.equal(log.text.includes(`hidden in the ${kind} room`), policy.moderate, 'the hidden text on the moderation page')
      const reacted = await who.post(`/rooms/${room.slug}/messages/${room.message}/reactions`, { emoji: '🎉' })
      assert.equal(reacted.status === 303 && !reacted.location.startsWith('/login'), policy.react, `a reaction through the page (status ${reacted.status})`)
      // and the roles mean what they say
      const expected = {
        guest: { read: false, post: false },
        outsider: { read: kind === 'public', post: false },
        removed: { read: kind === 'public', post: false },
        member: { read: true, post: true },
        owner: { read: true, post: true },
        admin: { read: kind === 'public', post: false },
      }[role]
      assert.deepEqual({ read: policy.read, post: policy.post }, expected)
      assert.equal(policy.manage, role === 'owner')
      assert.equal(policy.leave, role === 'member')
      assert.equal(policy.join, kind === 'public' && (role === 'outsider' || role === 'removed' || role === 'admin'))
      assert.equal(policy.react, role === 'member' || role === 'owner')
      assert.equal(policy.downvote, role === 'member', 'never on one\'s own message (the owner wrote it)')
      assert.equal(policy.moderate, role === 'owner' || (role === 'admin' && kind === 'public'), 'admins moderate the rooms they may read')
      assert.equal(policy.readModeration, policy.react || policy.moderate)
    })
  }
}
