// $relay.publish takes one object, {topic, data, room, seq, users, anyUser, authCollection,
// filter}, which goja maps onto the Go relay.Event through PocketBase's field-name mapper: every
// field is proved here from a fixture page calling it directly, in the real binary.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../../helpers/server.mjs'
import { signUp, createRoom } from '../../helpers/browserless.mjs'
import { Subscriber } from '../../helpers/sse.mjs'
import { liveAttributes } from '../../helpers/markup.mjs'

// Each publish puts its recipient count in the page. The ordered ones use a room of their own
// (so no real room history is involved) and go out as positions 1, 3, 2.
const PAGES = {
  'relay-publish/+get.js': `module.exports = (ctx) => ({ room: ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug).room })\n`,
  'relay-publish/[slug].ejs': `<%
  const topic = roomTopic(data.room.id)
  const send = (html, fields) => $relay.publish({ topic, data: JSON.stringify({ html }), ...fields })
  const room = 'fixture-' + data.room.id
  const sent = {
    me: send('for-me', { users: [user.id] }),
    nobodyListed: send('for-no-one', { users: [] }),
    otherCollection: send('for-superusers', { anyUser: true, authCollection: '_superusers' }),
    filteredToNobody: send('filtered-out', { anyUser: true, filter: (client) => false }),
    filteredToMe: send('filtered-to-me', { anyUser: true, filter: (client) => client.get('auth').id === user.id }),
    first: send('position-1', { anyUser: true, room, seq: 1 }),
    third: send('position-3', { anyUser: true, room, seq: 3 }),
    second: send('position-2', { anyUser: true, room, seq: 2 }),
    everyone: send('for-everyone', { anyUser: true, authCollection: 'users' }),
  }
%><pre id="sent"><%- JSON.stringify(sent) %></pre>`,
}

let server, owner, member

before(async () => {
  server = await startServer({ extraPages: PAGES })
  ;[owner, member] = await Promise.all([signUp(server), signUp(server)])
})
after(async () => {
  await server?.stop()
})

test('$relay.publish takes one object: topic, data, users, anyUser, authCollection, filter, room and seq all reach the relay', async () => {
  const slug = await createRoom(owner, { kind: 'public' })
  const { topic } = liveAttributes((await owner.get(`/rooms/${slug}`)).text)
  const tabs = [new Subscriber(owner), new Subscriber(member)]
  try {
    for (const tab of tabs) {
      await tab.connect()
      assert.equal((await tab.subscribe([topic])).status, 200)
    }

    const page = await owner.get(`/relay-publish/${slug}`)
    assert.equal(page.status, 200, page.text)
    const sent = JSON.parse(page.text.match(/<pre id="sent">(.*?)<\/pre>/s)[1])
    assert.deepEqual(sent, {
      me: 1, nobodyListed: 0, otherCollection: 0, filteredToNobody: 0, filteredToMe: 1,
      first: 2, third: 2, second: 2, everyone: 2,
    })

    await Promise.all(tabs.map((tab) => tab.waitFor((events) => events.some((e) => e.html === 'for-everyone'))))
    const [ownerGot, memberGot] = tabs.map((tab) => tab.events.map((e) => e.html))
    assert.deepEqual(ownerGot, ['for-me', 'filtered-to-me', 'position-1', 'position-2', 'position-3', 'for-everyone'])
    assert.deepEqual(memberGot, ['position-1', 'position-2', 'position-3', 'for-everyone'])
  } finally {
    for (const tab of tabs) tab.close()
  }
})
