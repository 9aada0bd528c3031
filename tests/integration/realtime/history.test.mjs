// The room history as live tabs rely on it: a change and its event are one (a failure or a kill
// -9 inside the transaction leaves neither), a restored backup is never replayed as if it were the
// history a tab saw, and an edit or a delete leaves the old text in no event, page or REST record.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServerWithSuperuser, api, roomIdOf } from '../../helpers/admin.mjs'
import { Visitor, signUp, createRoom, postMessage, apiToken, uniqueText as unique } from '../../helpers/browserless.mjs'
import { LiveTab } from '../../helpers/sse.mjs'
import { liveAttributes } from '../../helpers/markup.mjs'

// Faults injected after the message (and, when this hook runs outside Hearth's, its event) is
// written, still inside the save's transaction.
const FAULTS = `
onRecordCreateExecute((e) => {
  const body = e.record.getString('body')
  e.next()
  if (body.includes('[fail-in-transaction]')) throw new Error('injected failure inside the transaction')
  if (body.includes('[exit-in-transaction]')) $os.exit(3)
}, 'messages')
`

let server
let owner, member, outsider

before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_POSTS: '100000/60' }, extraHooks: { 'faults.pb.js': FAULTS } })
  ;[owner, member, outsider] = await Promise.all(Array.from({ length: 3 }, () => signUp(server)))
})
after(async () => {
  await server?.stop()
})

const admin = (method, path, body) => api(server, method, path, { token: server.superuserToken, body })

async function all(collection, filter, fields) {
  const q = new URLSearchParams({ filter, fields, perPage: '500', sort: '-created' })
  const res = await admin('GET', `/api/collections/${collection}/records?${q}`)
  assert.equal(res.status, 200, res.text)
  return res.json.items
}

/** stored reads a room's messages and events as the database has them (superuser REST). */
async function stored(roomId) {
  const messages = await all('messages', `room = "${roomId}"`, 'id,fragment,body')
  const events = await all('room_events', `room = "${roomId}"`, 'id,seq,subject,html')
  return { messages, events }
}

/** every stored message has an event that shows it as stored, and positions have no gaps */
function assertEveryMessageHasItsEvent({ messages, events }) {
  const seqs = events.map((e) => e.seq).sort((a, b) => a - b)
  assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'event positions 1..n, no gap, no repeat')
  for (const m of messages) {
    const shown = events.filter((e) => e.subject === m.id && e.html)
    assert.equal(shown.length, 1, `message ${m.id} has exactly one event showing it`)
    assert.equal(shown[0].html, m.fragment, `message ${m.id}: its event shows what is stored`)
  }
}

async function settle(tabs, roomId) {
  const deadline = Date.now() + 15000
  for (;;) {
    const head = liveAttributes((await owner.get(`/rooms/${roomId}`)).text)
    if (tabs.every((t) => t.position === head.position && !t.busy)) return head
    if (Date.now() > deadline) throw new Error(`tabs at ${tabs.map((t) => t.position)}, head ${head.position}`)
    await sleep(100)
  }
}

test('a failure or an exit inside the transaction stores neither the message nor its event; the retry posts once', async () => {
  const slug = await createRoom(owner, { kind: 'public' })
  const roomId = await roomIdOf(owner, slug)
  await postMessage(owner, slug, unique('before'))
  const tab = new LiveTab(owner, slug)
  await tab.open()
  try {
    const failed = await owner.post(`/rooms/${slug}/messages`, { body: unique('[fail-in-transaction]'), nonce: 'f1' })
    assert.notEqual(failed.status, 303)
    await assert.rejects(owner.post(`/rooms/${slug}/messages`, { body: unique('[exit-in-transaction]'), nonce: 'x1' }))
    await server.exited()
    await server.start()
    let db = await stored(roomId)
    assert.equal(db.messages.length, 1, 'only the message posted before the faults')
    assertEveryMessageHasItsEvent(db)

    // the person sends the same form again (same one-time token): it lands once, with its event
    const body = unique('retried')
    const id = await postMessage(owner, slug, body, 'x1')
    assert.equal(await postMessage(owner, slug, body, 'x1'), id)
    db = await stored(roomId)
    assert.equal(db.messages.length, 2)
    assertEveryMessageHasItsEvent(db)
    await settle([tab], slug)
    assert.ok(tab.messages.get(id)?.includes(body.split(' ')[1]), 'the open tab shows the retried message')
  } finally {
    tab.close()
  }
})

test('kill -9 while people post and edit: every stored message has its event and every tab equals the database', async () => {
  const slug = await createRoom(owner, { kind: 'public' })
  const roomId = await roomIdOf(owner, slug)
  const posters = await Promise.all(Array.from({ length: 6 }, () => signUp(server)))
  await Promise.all(posters.map((p) => p.post(`/rooms/${slug}/membership`, {})))
  const tabs = [owner, member, outsider, owner].map((v) => new LiveTab(v, slug))
  await Promise.all(tabs.map((t) => t.open()))
  let running = true
  const acknowledged = new Set()
  // each poster sends, and after a failure (the server is down) sends the same form again, as
  // htmx's retry or the person's second click would; now and then they edit their last message
  const loops = posters.map(async (p, n) => {
    let last = null
    for (let i = 0; running; i++) {
      const nonce = `k${n}-${i}`
      const body = `post ${n}-${i}`
      for (;;) {
        try {
          if (last && i % 5 === 4) {
            const res = await p.post(`/rooms/${slug}/messages/${last}/edit`, { body: `${body} (an edit)` })
            if (res.status === 303) break
          } else {
            last = await postMessage(p, slug, body, nonce)
            acknowledged.add(last)
            break
          }
        } catch {
          // down: try the same again
        }
        if (!running) return
        await sleep(50)
      }
    }
  })
  const kills = Number(process.env.HEARTH_TEST_KILLS || 3)
  for (let k = 0; k < kills; k++) {
    // each kill lands while posts are in flight, a few acknowledged ones after the last restart
    const seen = acknowledged.size
    for (let waited = 0; acknowledged.size < seen + 4 && waited < 10000; waited += 20) await sleep(20)
    await sleep(Math.random() * 200)
    process.kill(server.pid, 'SIGKILL')
    await server.exited()
    await server.start()
  }
  await sleep(500)
  running = false
  await Promise.all(loops)
  try {
    const db = await stored(roomId)
    for (const id of acknowledged) assert.ok(db.messages.some((m) => m.id === id), `acknowledged message ${id} is stored`)
    assert.ok(db.messages.length >= 4 * kills, `${db.messages.length} messages`)
    assertEveryMessageHasItsEvent(db)
    await settle(tabs, slug)
    const want = new Map(db.messages.map((m) => [m.id, m.fragment.trim()]))
    for (const tab of tabs) {
      assert.equal(tab.reloads, 0, 'the same history: replayed, never reloaded')
      assert.deepEqual(new Map([...tab.messages].sort()), new Map([...want].sort()), 'the tab shows exactly what is stored')
    }
  } finally {
    for (const t of tabs) t.close()
  }
})

test('after an edit or a delete no event, catch-up answer, page or REST record holds the old text', async () => {
  const slug = await createRoom(owner, { kind: 'public' })
  await member.post(`/rooms/${slug}/membership`, {})
  const secret = unique('secret-original')
  const edited = await postMessage(member, slug, secret)
  const gone = unique('secret-deleted')
  const deleted = await postMessage(member, slug, gone)
  assert.equal((await member.post(`/rooms/${slug}/messages/${edited}/edit`, { body: 'the new text' })).status, 303)
  assert.equal((await member.post(`/rooms/${slug}/messages/${deleted}/deletion`, {})).status, 303)
  const late = await signUp(server)
  await late.post(`/rooms/${slug}/membership`, {})

  for (const [who, visitor] of [['the author', member], ['a member who joined later', late], ['a reader of the public room', outsider]]) {
    const replay = (await visitor.get(`/rooms/${slug}/events?after=0`)).text
    assert.ok(!replay.includes(secret) && !replay.includes(gone), `${who}: catch-up holds no old text`)
    assert.match(replay, /the new text/, `${who}: catch-up brings the edit`)
    const page = (await visitor.get(`/rooms/${slug}`)).text
    assert.ok(!page.includes(secret) && !page.includes(gone), `${who}: the page holds no old text`)
    const token = await apiToken(server, visitor.username)
    const rest = await api(server, 'GET', `/api/collections/room_events/records?perPage=500&filter=${encodeURIComponent(`room.slug = "${slug}"`)}`, { token })
    assert.equal(rest.status, 200)
    assert.ok(rest.json.items.length > 0)
    assert.ok(!rest.text.includes(secret) && !rest.text.includes(gone), `${who}: REST room_events hold no old text`)
  }
  const raw = JSON.stringify(await stored(await roomIdOf(owner, slug)))
  assert.ok(!raw.includes(secret) && !raw.includes(gone), 'not even a superuser finds it')

  // a tab that saw the original replays into the current state
  const replay = JSON.parse((await member.get(`/rooms/${slug}/events?after=0`)).text)
  const tab = new LiveTab(member, slug)
  tab.position = 0
  tab.eventId = ''
  for (const e of replay.events) tab.advance(e)
  assert.deepEqual([...tab.messages.keys()], [edited])
})

test('a history restored from a backup is not replayed over the one a tab saw: the tab is told to reload', async () => {
  const slug = await createRoom(owner, { kind: 'public' })
  for (let i = 0; i < 3; i++) await postMessage(owner, slug, unique('kept'))
  const atBackup = liveAttributes((await owner.get(`/rooms/${slug}`)).text)
  assert.equal((await admin('POST', '/api/backups', { name: 'before.zip' })).status, 204)
  for (let i = 0; i < 35; i++) await postMessage(owner, slug, unique('rolled back'))
  const asleep = liveAttributes((await owner.get(`/rooms/${slug}`)).text)

  assert.equal((await admin('POST', '/api/backups/before.zip/restore')).status, 204)
  // PocketBase restarts itself in place; wait for the restored history
  const deadline = Date.now() + 30000
  for (;;) {
    try {
      const live = liveAttributes((await owner.get(`/rooms/${slug}`)).text)
      if (live?.position === atBackup.position) break
    } catch {
      // restarting
    }
    if (Date.now() > deadline) throw new Error('the restore did not come back')
    await sleep(200)
  }
  // the new timeline reuses the positions the sleeping tab saw
  for (let i = 0; i < 40; i++) await postMessage(owner, slug, unique('new timeline'))
  const catchUp = async (at) => JSON.parse((await owner.get(`/rooms/${slug}/events?after=${at.position}&event=${at.eventId}`)).text)
  assert.equal((await catchUp(asleep)).reload, true, 'positions reused by another history: reload')
  assert.equal((await catchUp({ position: atBackup.position, eventId: 'aaaaaaaaaaaaaaa' })).reload, true, 'another event at that position: reload')
  const shared = await catchUp(atBackup)
  assert.equal(shared.reload, false, 'a tab whose last event is in the restored history replays')
  assert.equal(shared.events.length, 40)
})
