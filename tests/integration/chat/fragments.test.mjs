// A message's stored fragment is a render cache keyed by what made it: rename a person or a room,
// or change a template, and every page, catch-up answer and live event shows the new state, each
// stale fragment rendered again once and written back.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServerWithSuperuser, api, roomIdOf, userIdOf } from '../../helpers/admin.mjs'
import { signUp, createRoom, postMessage } from '../../helpers/browserless.mjs'
import { Subscriber } from '../../helpers/sse.mjs'
import { liveAttributes, dataNumberOf } from '../../helpers/markup.mjs'

let server
let alice, bob
before(async () => {
  // extraPages: the server runs a copy of the hooks, whose templates this test may change
  server = await startServerWithSuperuser({ extraPages: { 'test-nothing.ejs': '' } })
  ;[alice, bob] = await Promise.all([signUp(server), signUp(server)])
})
after(async () => {
  await server?.stop()
})

const admin = (method, path, body) => api(server, method, path, { token: server.superuserToken, body })

async function stored(id) {
  const res = await admin('GET', `/api/collections/messages/records/${id}?fields=fragment,fragmentKey`)
  assert.equal(res.status, 200)
  return res.json
}

async function events(visitor, slug) {
  return JSON.parse((await visitor.get(`/rooms/${slug}/events?after=0`)).text).events
}

test('a message is rendered before it is stored: its fragment carries its number and is shown as stored', async () => {
  const slug = await createRoom(alice, { kind: 'public' })
  const ids = [await postMessage(alice, slug, 'first'), await postMessage(alice, slug, 'second')]
  for (const [i, id] of ids.entries()) {
    const before = await stored(id)
    assert.equal(dataNumberOf(before.fragment), i + 1)
    // (the page marks the second as continuing the first's group: src/web/timeline.ts)
    const page = (await bob.get(`/rooms/${slug}`)).text.replace(/ data-continued>/g, '>')
    assert.ok(page.includes(before.fragment), 'the page shows the stored fragment')
    assert.deepEqual(await stored(id), before, 'its key is fresh: nothing was rendered again')
  }
})

test('a fragment is ASCII whatever was written, and reads back as written: accents, CJK, emoji with their modifiers', async () => {
  const slug = await createRoom(alice, { kind: 'public' })
  const text = 'Grüße 👋🏽 東京 👨‍👩‍👧 ❤️ ½'
  const id = await postMessage(alice, slug, text)
  const { fragment } = await stored(id)
  assert.match(fragment, /^[\x00-\x7f]*$/, 'the stored fragment is ASCII')
  assert.doesNotMatch(fragment, /&#xd[89a-f][0-9a-f]{2};/i, 'no half of a surrogate pair written on its own')
  const body = /<div class="body">([\s\S]*?)<\/div>/.exec(fragment)[1]
  const read = body.replace(/<[^>]+>/g, '').replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16))).trim()
  assert.equal(read, text)
  const page = (await bob.get(`/rooms/${slug}`)).text
  assert.ok(page.includes(fragment.trim().slice(0, 200)), 'the page shows the stored fragment')
})

test('a new display name shows on old messages in the page and in catch-up, rendered again once', async () => {
  const slug = await createRoom(alice, { kind: 'public' })
  const id = await postMessage(alice, slug, 'before the rename')
  const before = await stored(id)
  assert.match(before.fragment, new RegExp(`>${alice.username}<`))

  const res = await admin('PATCH', `/api/collections/users/records/${await userIdOf(alice)}`, { name: 'Alice Renamed' })
  assert.equal(res.status, 200, res.text)
  const page = (await bob.get(`/rooms/${slug}`)).text
  assert.match(page, /Alice Renamed/)
  const after = await stored(id)
  assert.match(after.fragment, /Alice Renamed/, 'the fragment was written back')
  assert.notEqual(after.fragmentKey, before.fragmentKey)
  assert.match((await events(bob, slug)).map((e) => e.html).join(''), /Alice Renamed/)
  // read again: nothing to render, the stored fragment is what is shown
  await bob.get(`/rooms/${slug}`)
  assert.deepEqual(await stored(id), after)
})

test('a room renamed to a new address keeps the links inside its old messages working', async () => {
  const slug = await createRoom(alice, { kind: 'public' })
  const id = await postMessage(alice, slug, 'links by id')
  const roomId = await roomIdOf(alice, slug)
  const { fragment } = await stored(id)
  const editLink = /href="([^"]+\/edit)"/.exec(fragment)[1]
  assert.equal(editLink, `/rooms/${roomId}/messages/${id}/edit`, 'the fragment names the room by id')
  const renamed = `${slug}-new`
  assert.equal((await admin('PATCH', `/api/collections/rooms/records/${roomId}`, { slug: renamed })).status, 200)
  assert.equal((await alice.get(editLink)).status, 200)
  const saved = await alice.post(editLink, { body: 'edited through an old link' })
  assert.equal(saved.status, 303)
  assert.equal(saved.location, `/rooms/${renamed}#message-${id}`)
  assert.equal((await alice.get(`/rooms/${slug}`)).status, 404, 'the old address is gone')
})

test('a changed template shows on every message, old and new, in pages, catch-up and live events', async () => {
  const slug = await createRoom(alice, { kind: 'public' })
  assert.equal((await bob.post(`/rooms/${slug}/membership`, {})).status, 303)
  const ids = [await postMessage(alice, slug, 'one'), await postMessage(bob, slug, 'two')]
  const file = join(server.hooksDir, 'pages', '_private', 'message.ejs')
  const original = readFileSync(file, 'utf8')
  try {
    writeFileSync(file, original.replace('<li class="message"', '<li data-template="v2" class="message"'))
    await sleep(1100) // templates are checked for changes at most once a second
    const page = (await alice.get(`/rooms/${slug}`)).text
    assert.equal((page.match(/data-template="v2"/g) || []).length, 2)
    for (const id of ids) assert.match((await stored(id)).fragment, /data-template="v2"/, 'written back')
    assert.ok((await events(bob, slug)).every((e) => !e.html.includes('class="message"') || e.html.includes('data-template="v2"')))

    const live = new Subscriber(bob)
    await live.connect()
    assert.equal((await live.subscribe([liveAttributes(page).topic])).status, 200)
    await postMessage(alice, slug, 'three')
    const [event] = await live.waitFor((evs) => evs.length > 0)
    assert.match(event.html, /data-template="v2"/)
    live.close()
  } finally {
    writeFileSync(file, original)
  }
})
