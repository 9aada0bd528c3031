// Reactions: a plain form toggles one emoji of one person on one message, at most once however
// many requests arrive together; everyone sees the same fragment (counts, names, the reactors'
// ids for /me/style.css), live and in the stored copy; only members react, through the pages and
// through PocketBase's REST API alike.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServerWithSuperuser, api, roomIdOf, userIdOf } from '../../helpers/admin.mjs'
import { Visitor, signUp, createRoom, postMessage, apiToken, uniqueName, PASSWORD } from '../../helpers/browserless.mjs'
import { Subscriber } from '../../helpers/sse.mjs'
import { serverErrors } from '../../helpers/server.mjs'
import { messageItem, liveAttributes } from '../../helpers/markup.mjs'

let server
let owner, member, reader
let slug, roomId, messageId
before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_SIGNUPS: '1000/60', HEARTH_LIMIT_REACTIONS: '100000/60', HEARTH_LIMIT_POSTS: '100000/60' } })
  ;[owner, member, reader] = await Promise.all([signUp(server), signUp(server), signUp(server)])
  slug = await createRoom(owner, { kind: 'public' })
  roomId = await roomIdOf(owner, slug)
  assert.equal((await member.post(`/rooms/${slug}/membership`, {})).status, 303)
  messageId = await postMessage(owner, slug, 'react to me')
})
after(async () => {
  await server?.stop()
})

const react = (who, id, emoji, { htmx = false } = {}) =>
  (htmx ? who.htmxPost : who.post).call(who, `/rooms/${slug}/messages/${id}/reactions`, { emoji })
const admin = (method, path, body) => api(server, method, path, { token: server.superuserToken, body })

/** reactionButtons reads the reaction buttons of a message's fragment: emoji -> { count, by, title }. */
function reactionButtons(html) {
  const out = {}
  for (const m of html.matchAll(/<button name="emoji" value="([^"]+)" class="reaction" data-by="([^"]*)" title="([^"]*)" aria-label="([^"]*)">[^<]*<span class="count">(\d+)<\/span>/g)) {
    const emoji = m[1].replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    out[emoji] = { by: m[2].split(' ').filter(Boolean), title: m[3], label: m[4], count: Number(m[5]) }
  }
  return out
}

async function shown(visitor, id) {
  return reactionButtons(messageItem((await visitor.get(`/rooms/${slug}`)).text, id))
}

async function storedFragment(id) {
  const res = await admin('GET', `/api/collections/messages/records/${id}?fields=fragment`)
  assert.equal(res.status, 200)
  return res.json.fragment
}

async function countInDb(id, emoji) {
  const res = await admin('GET', `/api/collections/reactions/records?perPage=500&filter=${encodeURIComponent(`message = "${id}" && emoji = "${emoji}"`)}`)
  assert.equal(res.status, 200)
  return res.json.totalItems
}

test('a reaction toggles: given, shown under the message with its count and my id, taken back', async () => {
  const id = await postMessage(owner, slug, 'toggle me')
  const res = await react(member, id, '👍')
  assert.equal(res.status, 303)
  assert.equal(res.location, `/rooms/${slug}#message-${id}`)
  const memberId = await userIdOf(member)
  assert.deepEqual((await shown(reader, id))['👍'].by, [memberId], 'everyone sees the same fragment, with the reactor id')
  assert.equal((await shown(reader, id))['👍'].count, 1)
  assert.equal((await react(member, id, '👍')).status, 303)
  assert.equal((await shown(reader, id))['👍'], undefined, 'taken back')
  assert.equal(await countInDb(id, '👍'), 0)
})

test('htmx gets the message fragment, the same as the stored copy and the room page', async () => {
  const id = await postMessage(owner, slug, 'htmx reaction')
  const res = await react(member, id, '🎉', { htmx: true })
  assert.equal(res.status, 200)
  assert.match(res.text, new RegExp(`^\\s*<li class="message" id="message-${id}"`))
  assert.equal(reactionButtons(res.text)['🎉'].count, 1)
  const stored = await storedFragment(id)
  assert.equal(res.text.trim(), stored.trim())
  // (the page may mark it as continuing the group above: src/web/timeline.ts)
  assert.equal(messageItem((await owner.get(`/rooms/${slug}`)).text.replace(/ data-continued>/g, '>'), id), messageItem(stored, id))
})

test('counts and names: each reaction says how many and who, escaped, in the title and the label', async () => {
  const id = await postMessage(owner, slug, 'names')
  const v = new Visitor(server)
  const username = uniqueName()
  assert.equal((await v.post('/signup', { username, name: 'Ann <b>&"x"', password: PASSWORD, passwordConfirm: PASSWORD })).status, 303)
  v.username = username
  assert.equal((await v.post(`/rooms/${slug}/membership`, {})).status, 303)
  await react(member, id, '❤️')
  await react(v, id, '❤️')
  await react(owner, id, '😂')
  const page = messageItem((await reader.get(`/rooms/${slug}`)).text, id)
  assert.ok(!page.includes('<b>'), 'names are escaped')
  const buttons = reactionButtons(page)
  assert.deepEqual(Object.keys(buttons), ['❤️', '😂'], 'in the fixed order, only those used')
  assert.equal(buttons['❤️'].count, 2)
  assert.equal(buttons['❤️'].title, `heart, 2: ${member.username}, Ann &lt;b&gt;&amp;&#34;x&#34;`)
  assert.equal(buttons['❤️'].label, buttons['❤️'].title)
  assert.equal(buttons['😂'].title, `laughing, 1: ${owner.username}`)

  // a reactor's new display name shows on the message they reacted to (the render cache's key names them)
  const vId = await userIdOf(v)
  assert.equal((await admin('PATCH', `/api/collections/users/records/${vId}`, { name: 'Ann Renamed' })).status, 200)
  const renamed = reactionButtons(messageItem((await reader.get(`/rooms/${slug}`)).text, id))
  assert.equal(renamed['❤️'].title, `heart, 2: ${member.username}, Ann Renamed`)
  assert.equal(reactionButtons(await storedFragment(id))['❤️'].title, renamed['❤️'].title, 'rendered again once and stored')
})

test('two toggles at once count once; hundreds at once never count twice, and the fragment agrees', async () => {
  const id = await postMessage(owner, slug, 'at once')
  const two = await Promise.all([react(member, id, '👀'), react(member, id, '👀')])
  assert.deepEqual(two.map((r) => r.status), [303, 303])
  const afterTwo = await countInDb(id, '👀')
  assert.ok(afterTwo <= 1, `counted ${afterTwo} times`)

  // (three rounds: a create refused by the unique index while another request takes the reaction
  // back answered 500 about once a round of 200)
  for (let round = 0; round < 3; round++) {
    const many = await Promise.all(Array.from({ length: 200 }, () => react(member, id, '😮')))
    assert.ok(many.every((r) => r.status === 303), `round ${round}, statuses: ${[...new Set(many.map((r) => r.status))]}`)
  }
  const n = await countInDb(id, '😮')
  assert.ok(n <= 1, `counted ${n} times`)
  assert.equal((await shown(reader, id))['😮']?.count ?? 0, n, 'the page shows what is stored')
  assert.equal(reactionButtons(await storedFragment(id))['😮']?.count ?? 0, n)
})

test('hundreds of people reacting at once: each counted exactly once', async () => {
  const id = await postMessage(owner, slug, 'crowd')
  const crowd = await Promise.all(Array.from({ length: 40 }, () => signUp(server)))
  await Promise.all(crowd.map((v) => v.post(`/rooms/${slug}/membership`, {})))
  const answers = await Promise.all(crowd.map((v) => v.htmxPost(`/rooms/${slug}/messages/${id}/reactions`, { emoji: '🎉' })))
  assert.ok(answers.every((r) => r.status === 200))
  const n = await countInDb(id, '🎉')
  assert.equal(n, 40)
  const buttons = reactionButtons(await storedFragment(id))
  assert.equal(buttons['🎉'].count, 40)
  assert.equal((await shown(reader, id))['🎉'].count, 40)
  assert.equal(new Set(buttons['🎉']?.by ?? []).size, n, 'no one listed twice')
})

test('a toggle is published live as the message fragment, a positioned room event', async () => {
  const id = await postMessage(owner, slug, 'live')
  const sub = new Subscriber(reader)
  await sub.connect()
  const { topic } = liveAttributes((await reader.get(`/rooms/${slug}`)).text)
  assert.equal((await sub.subscribe([topic])).status, 200)
  await react(member, id, '👍')
  const events = await sub.waitFor((es) => es.some((e) => e.html.includes(`id="message-${id}"`) && reactionButtons(e.html)['👍']), 15000)
  const event = events.find((e) => reactionButtons(e.html)['👍'])
  assert.ok(event.seq > 0, 'positioned')
  assert.equal(event.html.trim(), (await storedFragment(id)).trim())
  const caughtUp = JSON.parse((await reader.get(`/rooms/${slug}/events?after=${event.seq - 1}`)).text).events
  assert.equal(caughtUp[0].html.trim(), event.html.trim(), 'catch-up replays it')
  sub.close()
})

test('refused: a reader who is not a member (asked to join), a guest, an unknown emoji, a downvote of my own message', async () => {
  const page = await react(reader, messageId, '👍')
  assert.equal(page.status, 403)
  assert.match(page.text, /Join #/)
  assert.match(page.text, new RegExp(`action="/rooms/${slug}/membership"`))
  const htmx = await react(reader, messageId, '👍', { htmx: true })
  assert.equal(htmx.status, 403)
  // (htmx gets the reason; the page keeps the message as it is: e2e/message-refusals.test.mjs)
  assert.match(htmx.text, new RegExp(`class="error-message"[^>]*>Join #${slug} to react`))
  assert.doesNotMatch(htmx.text, /<html/)
  const guest = await react(new Visitor(server), messageId, '👍')
  assert.equal(guest.status, 303)
  assert.match(guest.location, /^\/login/)
  const odd = await react(member, messageId, '🦄')
  assert.equal(odd.status, 422)
  assert.match(odd.text, /Choose one of the reactions/)
  const own = await react(owner, messageId, '👎')
  assert.equal(own.status, 403)
  assert.match(own.text, /cannot downvote your own/)
  assert.equal(await countInDb(messageId, '👍'), 0)
  assert.equal(await countInDb(messageId, '👎'), 0)
  const cross = await member.post(`/rooms/${slug}/messages/${messageId}/reactions`, { emoji: '👍' }, { origin: 'https://evil.example' })
  assert.equal(cross.status, 403, 'a cross-site form is refused')
})

test('REST: a person creates and deletes only their own reaction, only in rooms they belong to', async () => {
  const [memberToken, readerToken, ownerToken] = await Promise.all([member, reader, owner].map((v) => apiToken(server, v.username)))
  const [memberId, readerId, ownerId] = await Promise.all([member, reader, owner].map(userIdOf))
  const id = await postMessage(owner, slug, 'through the API')
  const create = (token, body) => api(server, 'POST', '/api/collections/reactions/records', { token, body })
  const base = { message: id, room: roomId, emoji: '👍' }

  assert.notEqual((await create(undefined, { ...base, user: memberId })).status, 200, 'a guest')
  assert.notEqual((await create(readerToken, { ...base, user: readerId })).status, 200, 'a reader who is not a member')
  assert.notEqual((await create(memberToken, { ...base, user: ownerId })).status, 200, 'as someone else')
  assert.notEqual((await create(ownerToken, { ...base, user: ownerId, emoji: '👎' })).status, 200, 'a downvote of my own message')
  const otherSlug = await createRoom(member, { kind: 'public' })
  const otherRoom = await roomIdOf(member, otherSlug)
  assert.notEqual((await create(memberToken, { ...base, user: memberId, room: otherRoom })).status, 200, 'filed under another room')

  const mine = await create(memberToken, { ...base, user: memberId })
  assert.equal(mine.status, 200, mine.text)
  assert.equal((await create(memberToken, { ...base, user: memberId })).status, 400, 'the same reaction twice')
  assert.equal((await shown(reader, id))['👍'].count, 1, 'shown like one given on the page')
  const theirs = await create(ownerToken, { ...base, user: ownerId })
  assert.equal(theirs.status, 200)
  assert.equal((await api(server, 'DELETE', `/api/collections/reactions/records/${theirs.json.id}`, { token: memberToken })).status, 404, "another person's reaction")
  assert.equal((await api(server, 'DELETE', `/api/collections/reactions/records/${mine.json.id}`, { token: readerToken })).status, 404)
  assert.equal((await api(server, 'DELETE', `/api/collections/reactions/records/${mine.json.id}`, { token: memberToken })).status, 204)
  assert.deepEqual((await shown(reader, id))['👍'].by, [ownerId])
})

test('a message deleted with its reactions: one removal event, and no reaction left', async () => {
  const id = await postMessage(owner, slug, 'soon gone')
  await react(member, id, '👍')
  await react(owner, id, '🎉')
  const { topic, position } = liveAttributes((await reader.get(`/rooms/${slug}`)).text)
  assert.ok(topic)
  assert.equal((await owner.post(`/rooms/${slug}/messages/${id}/deletion`, {})).status, 303)
  const events = JSON.parse((await reader.get(`/rooms/${slug}/events?after=${position}`)).text).events
  assert.equal(events.length, 1, 'the removal only, no re-render for each reaction deleted with it')
  assert.match(events[0].html, /class="message removed"/)
  assert.equal(await countInDb(id, '👍') + await countInDb(id, '🎉'), 0)
})

/** inRoom counts the reactions stored under a room, whichever message they name. */
async function inRoom(id) {
  const res = await admin('GET', `/api/collections/reactions/records?perPage=1&filter=${encodeURIComponent(`room = "${id}"`)}`)
  assert.equal(res.status, 200)
  return res.json.totalItems
}

test('reactions racing their message\'s deletion answer 303 or 404, never 500, and leave no reaction behind', async () => {
  const raceSlug = await createRoom(owner, { kind: 'public' })
  assert.equal((await member.post(`/rooms/${raceSlug}/membership`, {})).status, 303)
  const from = server.logs().length
  const statuses = new Set()
  for (let round = 0; round < 40; round++) {
    const id = await postMessage(owner, raceSlug, `deleted while reacted to ${round}`)
    const answers = await Promise.all([
      owner.post(`/rooms/${raceSlug}/messages/${id}/deletion`, {}),
      ...['👍', '🎉', '👎'].map((emoji) => member.post(`/rooms/${raceSlug}/messages/${id}/reactions`, { emoji })),
    ])
    assert.equal(answers[0].status, 303)
    for (const res of answers.slice(1)) statuses.add(res.status)
  }
  assert.deepEqual([...statuses].filter((s) => s !== 303 && s !== 404), [], `statuses: ${[...statuses]}`)
  assert.deepEqual(serverErrors(server, from), [])
  assert.equal(await inRoom(await roomIdOf(owner, raceSlug)), 0, 'no reaction to a deleted message')
})

// Deletes the message a reaction names right before or right after the reaction is validated: the
// two moments another request's deletion can land between the page finding the message and the save.
const DELETE_DURING_SAVE = `
onRecordValidate((e) => {
  let message = null
  try { message = e.app.findRecordById('messages', e.record.getString('message')) } catch {}
  const body = message ? message.getString('body') : ''
  if (body.includes('[deleted-before-validation]')) e.app.delete(message)
  e.next()
  if (body.includes('[deleted-after-validation]')) e.app.delete(message)
}, 'reactions')
`

test('a reaction to a message deleted while it is saved answers 404, stores nothing and gives its rate-limit slot back', async () => {
  const own = await startServerWithSuperuser({ env: { HEARTH_LIMIT_REACTIONS: '2/600' }, extraHooks: { 'delete-during-save.pb.js': DELETE_DURING_SAVE } })
  try {
    const [poster, reactor] = await Promise.all([signUp(own), signUp(own)])
    const ownSlug = await createRoom(poster, { kind: 'public' })
    assert.equal((await reactor.post(`/rooms/${ownSlug}/membership`, {})).status, 303)
    for (const moment of ['before', 'after', 'before', 'after']) {
      const id = await postMessage(poster, ownSlug, `[deleted-${moment}-validation]`)
      for (const emoji of ['👍', '👎']) {
        const res = await reactor.post(`/rooms/${ownSlug}/messages/${id}/reactions`, { emoji })
        assert.equal(res.status, 404, `${moment} validation, ${emoji}: ${res.text.slice(0, 300)}`)
        assert.match(res.text, /it may have been deleted/)
      }
    }
    // none of the eight counted against the limit of two
    const id = await postMessage(poster, ownSlug, 'still here')
    for (const emoji of ['👍', '👎']) assert.equal((await reactor.post(`/rooms/${ownSlug}/messages/${id}/reactions`, { emoji })).status, 303)
    assert.equal((await reactor.post(`/rooms/${ownSlug}/messages/${id}/reactions`, { emoji: '🎉' })).status, 429)
    const stored = await api(own, 'GET', '/api/collections/reactions/records?perPage=50', { token: own.superuserToken })
    assert.deepEqual(stored.json.items.map((r) => r.message), [id, id], 'no reaction left naming a deleted message')
    assert.deepEqual(serverErrors(own), [])
  } finally {
    await own.stop()
  }
})
