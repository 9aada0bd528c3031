// Community moderation: the fifth distinct member's 👎 (other than the author's, which is refused)
// hides a message for everyone, live and in catch-up; its text then reaches nobody who may not
// moderate (pages, fragments, the event history, REST list and view, PocketBase's own record
// realtime), while the room's owner reads it and restores it; the log says who did what.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServerWithSuperuser, api, roomIdOf } from '../../helpers/admin.mjs'
import { signUp, createRoom, postMessage, apiToken, uniqueText } from '../../helpers/browserless.mjs'
import { LiveTab, RawSse, apiRealtimeSubscribe } from '../../helpers/sse.mjs'
import { messageItem } from '../../helpers/markup.mjs'
import { serverErrors } from '../../helpers/server.mjs'

let server
let owner, author, voters, watcher, otherOwner
let slug, roomId
before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_SIGNUPS: '1000/60', HEARTH_LIMIT_POSTS: '100000/60', HEARTH_LIMIT_REACTIONS: '100000/60', HEARTH_LIMIT_EDITS: '100000/60' } })
  const people = await Promise.all(Array.from({ length: 9 }, () => signUp(server)))
  ;[owner, author, watcher, otherOwner, ...voters] = people
  slug = await createRoom(owner, { kind: 'public' })
  roomId = await roomIdOf(owner, slug)
  for (const v of [author, watcher, otherOwner, ...voters]) assert.equal((await v.post(`/rooms/${slug}/membership`, {})).status, 303)
  // a member who owns another room: an owner, but not of this one
  await createRoom(otherOwner, { kind: 'public' })
})
after(async () => {
  await server?.stop()
})

const downvote = (who, id) => who.post(`/rooms/${slug}/messages/${id}/reactions`, { emoji: '👎' })
const PLACEHOLDER = 'Hidden by the community'

async function restGet(who, path) {
  const token = who ? await apiToken(server, who.username) : server.superuserToken
  return api(server, 'GET', path, { token })
}

/** eventually polls a live tab's state: an event it queued during a catch-up is applied after the last SSE event. */
async function eventually(check, what, ms = 15000) {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** searchFor answers the search page for the unique word of a uniqueText */
async function searchFor(who, text) {
  const res = await who.get(`/search?q=${encodeURIComponent(text.split(' ').pop())}`)
  assert.equal(res.status, 200)
  return res.text
}

async function hide(text) {
  const id = await postMessage(author, slug, text)
  for (const v of voters.slice(0, 4)) assert.equal((await downvote(v, id)).status, 303)
  return id
}

test('the author cannot downvote their own message; four downvotes hide nothing, the fifth hides it live and in catch-up', async () => {
  const text = uniqueText('rude words')
  const tab = new LiveTab(watcher, slug)
  const page = await watcher.get(`/rooms/${slug}`)
  assert.equal(page.status, 200)
  // a tab opened now, then closed before the hide: it catches up afterwards
  const late = new LiveTab(watcher, slug)
  await tab.open()
  await late.open()
  const id = await hide(text)
  const own = await downvote(author, id)
  assert.equal(own.status, 403)
  await eventually(() => tab.messages.get(id)?.includes('thumbs down, 4'), 'the fourth downvote')
  assert.ok(messageItem((await watcher.get(`/rooms/${slug}`)).text, id).includes(text), 'four downvotes: still shown')
  late.close()

  assert.equal((await downvote(voters[4], id)).status, 303)
  await eventually(() => tab.messages.get(id)?.includes(PLACEHOLDER), 'the placeholder')
  assert.ok(!tab.messages.get(id).includes(text), 'the live tab shows the placeholder only')

  const caughtUp = new LiveTab(watcher, slug)
  Object.assign(caughtUp, { position: late.position, eventId: late.eventId, topic: late.topic })
  await caughtUp.catchUp()
  assert.ok(caughtUp.messages.get(id).includes(PLACEHOLDER), 'catch-up shows it hidden')
  tab.close()

  const item = messageItem((await watcher.get(`/rooms/${slug}`)).text, id)
  assert.match(item, new RegExp(PLACEHOLDER))
  assert.ok(!item.includes(text))
})

test('the hidden text reaches no one who may not moderate: pages, fragments, events, REST, record realtime', async () => {
  const text = uniqueText('hidden text')
  const id = await hide(text)

  // PocketBase's own record realtime, for a member and for the owner
  const subscribed = async (who) => {
    const sse = new RawSse(server)
    const clientId = await sse.connect()
    const token = await apiToken(server, who.username)
    assert.equal((await apiRealtimeSubscribe(server, clientId, ['messages/*'], { token })).status, 204)
    return sse
  }
  const [memberRt, ownerRt] = await Promise.all([subscribed(watcher), subscribed(owner)])

  assert.equal((await downvote(voters[4], id)).status, 303)
  // the owner's subscription gets the update (so the member's would have, were it allowed)
  await ownerRt.waitFor((s) => s.received().some((e) => e.data.includes(id)), 15000)
  await sleep(300)
  assert.ok(!memberRt.received().some((e) => e.data.includes(text)), "the member's record realtime never carries it")
  memberRt.close()
  ownerRt.close()

  for (const who of [watcher, author, otherOwner, voters[0]]) {
    const page = await who.get(`/rooms/${slug}`)
    assert.ok(!page.text.includes(text), `${who.username}'s room page`)
    const events = await who.get(`/rooms/${slug}/events?after=0`)
    assert.ok(!events.text.includes(text), 'the event history')
    const list = await restGet(who, `/api/collections/messages/records?perPage=500&filter=${encodeURIComponent(`room = "${roomId}"`)}`)
    assert.equal(list.status, 200)
    assert.ok(!list.text.includes(text), 'REST list')
    assert.equal((await restGet(who, `/api/collections/messages/records/${id}`)).status, 404, 'REST view')
    const roomEvents = await restGet(who, `/api/collections/room_events/records?perPage=500&filter=${encodeURIComponent(`room = "${roomId}"`)}`)
    assert.ok(!roomEvents.text.includes(text), 'room_events through REST')
    const edit = await who.get(`/rooms/${slug}/messages/${id}/edit`)
    assert.ok(!edit.text.includes(text), 'the edit page')
    // the edit page and an edit say why, to the author too: hidden, not someone else's
    assert.equal(edit.status, 409)
    assert.match(edit.text, /hidden by the community/)
    const edited = await who.post(`/rooms/${slug}/messages/${id}/edit`, { body: 'changed' })
    assert.equal(edited.status, 409)
    assert.match(edited.text, /hidden by the community/)
    const log = await who.get(`/rooms/${slug}/moderation`)
    assert.equal(log.status, 200)
    assert.ok(!log.text.includes(text), 'the moderation page of a member')
    assert.ok(!(await searchFor(who, text)).includes(id), 'search')
  }
  // search finds it for nobody, the owner included: the owner reads it on the moderation page
  assert.ok(!(await searchFor(owner, text)).includes(id), "the owner's search")
  const stored = await restGet(null, `/api/collections/messages/records/${id}?fields=fragment`)
  assert.ok(stored.json.fragment.includes(PLACEHOLDER) && !stored.json.fragment.includes(text), 'the stored fragment')

  // the owner still reads it: REST and the moderation page
  assert.equal((await restGet(owner, `/api/collections/messages/records/${id}`)).json.body, text)
  const ownerList = await restGet(owner, `/api/collections/messages/records?perPage=500&filter=${encodeURIComponent(`room = "${roomId}"`)}`)
  assert.ok(ownerList.text.includes(text))
  assert.ok((await owner.get(`/rooms/${slug}/moderation`)).text.includes(text))
  assert.ok(!(await owner.get(`/rooms/${slug}`)).text.includes(text), 'but the room page is the same for everyone')
})

test('the owner restores it: it reappears for everyone live, and the log says who hid and who restored', async () => {
  const text = uniqueText('restore me')
  const id = await hide(text)
  assert.equal((await downvote(voters[4], id)).status, 303)
  const tab = new LiveTab(watcher, slug)
  await tab.open()

  const refused = await watcher.post(`/rooms/${slug}/messages/${id}/restoration`, {})
  assert.equal(refused.status, 403, 'a member may not restore')
  assert.equal((await otherOwner.post(`/rooms/${slug}/messages/${id}/restoration`, {})).status, 403, 'nor the owner of another room')
  const restored = await owner.post(`/rooms/${slug}/messages/${id}/restoration`, {})
  assert.equal(restored.status, 303)
  assert.equal(restored.location, `/rooms/${slug}/moderation`)

  await eventually(() => tab.messages.get(id)?.includes(text), 'the restored text')
  tab.close()
  assert.ok(messageItem((await watcher.get(`/rooms/${slug}`)).text, id).includes(text))
  assert.equal((await restGet(watcher, `/api/collections/messages/records/${id}`)).json.body, text)
  assert.ok((await searchFor(watcher, text)).includes(`#message-${id}`), 'search finds it again')

  const log = (await watcher.get(`/rooms/${slug}/moderation`)).text
  const entries = [...log.matchAll(/<li class="moderation-entry" data-action="(\w+)">([\s\S]*?)<\/li>/g)]
    .filter((m) => m[2].includes(`#message-${id}`)).map((m) => [m[1], m[2].replace(/\s+/g, ' ')])
  assert.equal(entries.length, 2)
  assert.equal(entries[0][0], 'restored')
  assert.match(entries[0][1], new RegExp(`restored by ${owner.username}`))
  assert.equal(entries[1][0], 'hidden')
  assert.match(entries[1][1], /hidden by 5 downvotes/)
  assert.match(entries[1][1], /<time datetime=/)

  // the owner had the last word: more downvotes do not hide it again
  assert.equal((await downvote(watcher, id)).status, 303)
  assert.ok(messageItem((await watcher.get(`/rooms/${slug}`)).text, id).includes(text))
})

test('the deciding downvotes at once hide the message once, with one log entry; restores at once restore it once', async () => {
  const id = await postMessage(author, slug, uniqueText('all at once'))
  const votes = await Promise.all(voters.map((v) => downvote(v, id)))
  assert.deepEqual([...new Set(votes.map((r) => r.status))], [303])
  assert.ok(messageItem((await watcher.get(`/rooms/${slug}`)).text, id).includes(PLACEHOLDER))
  const restores = await Promise.all(Array.from({ length: 20 }, () => owner.post(`/rooms/${slug}/messages/${id}/restoration`, {})))
  assert.deepEqual([...new Set(restores.map((r) => r.status))], [303])
  const log = (await watcher.get(`/rooms/${slug}/moderation`)).text
  const actions = [...log.matchAll(/<li class="moderation-entry" data-action="(\w+)">([\s\S]*?)<\/li>/g)]
    .filter((m) => m[2].includes(`#message-${id}`)).map((m) => m[1])
  assert.deepEqual(actions, ['restored', 'hidden'])
})

test('the owner restoring a message while its author deletes it: 303 or 404, never 500', async () => {
  const from = server.logs().length
  const statuses = new Set()
  for (let round = 0; round < 20; round++) {
    const id = await hide(uniqueText('restored while deleted'))
    assert.equal((await downvote(voters[4], id)).status, 303)
    const [restore, deletion] = await Promise.all([
      owner.post(`/rooms/${slug}/messages/${id}/restoration`, {}),
      author.post(`/rooms/${slug}/messages/${id}/deletion`, {}),
    ])
    assert.equal(deletion.status, 303)
    statuses.add(restore.status)
    assert.equal(messageItem((await watcher.get(`/rooms/${slug}`)).text, id), '', 'deleted')
  }
  assert.deepEqual([...statuses].filter((s) => s !== 303 && s !== 404), [], `statuses: ${[...statuses]}`)
  assert.deepEqual(serverErrors(server, from), [])
})

test('an edit racing the deciding downvote answers 303 or 409 and never shows the hidden message again', async () => {
  const from = server.logs().length
  const statuses = new Set()
  for (let round = 0; round < 20; round++) {
    const id = await hide(uniqueText('edited while hidden'))
    const [vote, edit] = await Promise.all([
      downvote(voters[4], id),
      author.post(`/rooms/${slug}/messages/${id}/edit`, { body: uniqueText('edited') }),
    ])
    assert.equal(vote.status, 303)
    statuses.add(edit.status)
    // (an edit saved from a copy read before the hide wrote its old moderation back: shown again, unlogged)
    assert.ok(messageItem((await watcher.get(`/rooms/${slug}`)).text, id).includes(PLACEHOLDER), `round ${round}: still hidden`)
  }
  // (403: the edit came after the hide, like any edit of a hidden message)
  assert.deepEqual([...statuses].filter((s) => ![303, 403, 409].includes(s)), [], `statuses: ${[...statuses]}`)
  assert.deepEqual(serverErrors(server, from), [])
})

test('the moderation log is for members; a reader of the public room is refused', async () => {
  const reader = await signUp(server)
  assert.equal((await reader.get(`/rooms/${slug}/moderation`)).status, 403)
  const token = await apiToken(server, reader.username)
  const list = await api(server, 'GET', `/api/collections/moderation_log/records?filter=${encodeURIComponent(`room = "${roomId}"`)}`, { token })
  assert.equal(list.json.items.length, 0)
  const memberList = await restGet(watcher, `/api/collections/moderation_log/records?filter=${encodeURIComponent(`room = "${roomId}"`)}`)
  assert.ok(memberList.json.items.length > 0)
})

test('in the lobby, which has no owner, a superuser restores through the API and the log says an operator did', async () => {
  const text = uniqueText('lobby')
  const id = await postMessage(author, 'lobby', text)
  for (const v of voters) assert.equal((await v.post(`/rooms/lobby/messages/${id}/reactions`, { emoji: '👎' })).status, 303)
  assert.ok(!(await watcher.get('/rooms/lobby')).text.includes(text))
  assert.equal((await watcher.post(`/rooms/lobby/messages/${id}/restoration`, {})).status, 403)
  assert.equal((await restGet(null, `/api/collections/messages/records/${id}`)).json.body, text, 'the superuser reads it')
  const patched = await api(server, 'PATCH', `/api/collections/messages/records/${id}`, { token: server.superuserToken, body: { moderation: 'restored' } })
  assert.equal(patched.status, 200, patched.text)
  assert.ok(messageItem((await watcher.get('/rooms/lobby')).text, id).includes(text))
  assert.match((await watcher.get('/rooms/lobby/moderation')).text.replace(/\s+/g, ' '), /restored by an operator/)
})

test('the threshold counts members other than the author who joined before the message, each once', async () => {
  const hidden = async (id) => messageItem((await watcher.get(`/rooms/${slug}`)).text, id).includes(PLACEHOLDER)
  // a downvoter who then leaves the room no longer counts
  const leaver = await signUp(server)
  assert.equal((await leaver.post(`/rooms/${slug}/membership`, {})).status, 303)
  const id = await postMessage(author, slug, uniqueText('count'))
  assert.equal((await downvote(leaver, id)).status, 303)
  assert.equal((await leaver.post(`/rooms/${slug}/membership`, { leave: '1' })).status, 303)
  // nor do accounts that join after the message was posted to pile on
  const latecomers = await Promise.all([signUp(server), signUp(server)])
  for (const v of latecomers) {
    assert.equal((await v.post(`/rooms/${slug}/membership`, {})).status, 303)
    assert.equal((await downvote(v, id)).status, 303, 'their downvote is taken (and shown)')
  }
  for (const v of voters.slice(0, 4)) assert.equal((await downvote(v, id)).status, 303)
  assert.equal(await hidden(id), false, 'four members, one who left and two latecomers')
  // a downvote taken back and given again is still one
  assert.equal((await downvote(voters[0], id)).status, 303)
  assert.equal((await downvote(voters[0], id)).status, 303)
  assert.equal(await hidden(id), false)
  assert.equal((await downvote(voters[4], id)).status, 303)
  assert.equal(await hidden(id), true, 'the fifth member')
})

test('a message created through the API starts unmoderated, whatever the client sent', async () => {
  const token = await apiToken(server, author.username)
  const authorId = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).id
  for (const moderation of ['restored', 'hidden']) {
    const res = await api(server, 'POST', '/api/collections/messages/records', { token, body: { room: roomId, author: authorId, body: uniqueText('api'), moderation } })
    assert.equal(res.status, 200, res.text)
    assert.equal(res.json.moderation, '', moderation)
  }
})
