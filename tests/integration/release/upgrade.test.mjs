// Upgrading keeps everything: this release starts on the data the previous one made
// (tests/fixtures/v0.2.0, made by that release's own binary, hooks and migrations; see
// tests/fixtures/make-release-data.mjs). Its migrations run forward on it; nothing is lost, old
// sessions stay signed in, pages render, live updates work, and a tab that saw the room before
// the upgrade catches up from its old position.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { startServer, PB, ROOT } from '../../helpers/server.mjs'
import { SUPERUSER, api } from '../../helpers/admin.mjs'
import { Visitor, logIn, postMessage, uniqueText } from '../../helpers/browserless.mjs'
import { Subscriber } from '../../helpers/sse.mjs'
import { liveAttributes, messageIds, messageItem, messageChanges } from '../../helpers/markup.mjs'

const FIXTURE = join(ROOT, 'tests/fixtures/v0.2.0')
const before_ = JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8'))
const { rooms } = before_

let dataDir
let server
let token

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hearth-upgrade-'))
  writeFileSync(join(dataDir, 'data.db'), gunzipSync(readFileSync(join(FIXTURE, 'data.db.gz'))))
  execFileSync(PB, ['superuser', 'upsert', SUPERUSER.email, SUPERUSER.password, '--dir', dataDir, '--migrationsDir', join(ROOT, 'pb_migrations')], { stdio: 'pipe' })
  // the fixture's sessions were last used when it was made: this keeps them from ending of age
  server = await startServer({ dataDir, env: { HEARTH_SESSION_IDLE_SECONDS: String(100 * 365 * 24 * 3600) } })
  const res = await api(server, 'POST', '/api/collections/_superusers/auth-with-password', {
    body: { identity: SUPERUSER.email, password: SUPERUSER.password },
  })
  token = res.json.token
})

after(async () => {
  await server?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

const total = async (collection) => (await api(server, 'GET', `/api/collections/${collection}/records?perPage=1`, { token })).json.totalItems

test(`every record of ${before_.release} is still there`, async () => {
  for (const [collection, count] of Object.entries(before_.counts)) {
    assert.ok(await total(collection) >= count, `${collection}: ${await total(collection)} rows, ${before_.release} had ${count}`)
  }
})

test(`a session of ${before_.release} is still signed in, and every person can log in`, async () => {
  const alice = new Visitor(server)
  alice.cookies.set('hearth_session', before_.session.cookie)
  const page = await alice.get('/rooms')
  assert.equal(page.status, 200)
  assert.match(page.text, new RegExp(`@${before_.session.username}`))
  for (const username of before_.users) await logIn(server, username, { password: before_.password })
})

test('every room shows its messages as they were: edits kept, deletions gone, private rooms private', async () => {
  const alice = await logIn(server, 'alice_fixture')
  const carol = await logIn(server, 'carol_fixture')
  for (const [slug, room] of Object.entries(rooms)) {
    const page = await alice.get(`/rooms/${slug}`)
    assert.equal(page.status, 200, slug)
    const ids = messageIds(page.text)
    for (const m of room.messages) {
      assert.ok(ids.includes(m.id), `${slug}: message ${m.id} is shown`)
      const item = messageItem(page.text, m.id)
      assert.match(item, new RegExp(`@${m.author}`))
      if (m.text.includes('**')) assert.match(item, /<strong>bold<\/strong>/)
      else assert.match(item, new RegExp(m.text))
    }
    for (const id of room.removed ?? []) assert.ok(!ids.includes(id), `${slug}: deleted message ${id} stays deleted`)
    assert.equal((await carol.get(`/rooms/${slug}`)).status, room.kind === 'private' ? 404 : 200, `${slug} to a non-member`)
  }
  const members = await alice.get('/rooms/garden/members')
  for (const username of rooms.garden.members) assert.match(members.text, new RegExp(`@${username}`))
  assert.doesNotMatch(members.text, /@carol_fixture/, 'carol left the garden before the upgrade')
})

test('live updates reach a reader, and a tab from before the upgrade catches up from its old position', async () => {
  const alice = await logIn(server, 'alice_fixture')
  const bob = await logIn(server, 'bob_fixture')
  const page = await bob.get('/rooms/garden')
  const live = liveAttributes(page.text)
  assert.deepEqual({ position: live.position, eventId: live.eventId }, rooms.garden.head, 'the room goes on from its last position')
  const reader = new Subscriber(bob)
  await reader.connect()
  assert.equal((await reader.subscribe([live.topic])).status, 200)
  const text = uniqueText('after the upgrade')
  const id = await postMessage(alice, 'garden', text)
  const events = await reader.waitFor((evs) => evs.some((e) => e.html.includes(`id="message-${id}"`)))
  const event = events.find((e) => e.html.includes(`id="message-${id}"`))
  assert.equal(event.seq, rooms.garden.head.position + 1)
  reader.close()

  const { position, eventId } = rooms.garden.seen
  const res = await bob.get(`/rooms/garden/events?after=${position}&event=${eventId}`)
  assert.equal(res.status, 200)
  const catchUp = JSON.parse(res.text)
  assert.equal(catchUp.reload, false)
  assert.deepEqual(catchUp.events.map((e) => e.seq), Array.from({ length: event.seq - position }, (_, i) => position + 1 + i))
  const changes = catchUp.events.flatMap((e) => messageChanges(e.html))
  assert.ok(changes.some((c) => c.id === rooms.garden.removed[0] && c.removed), 'the deletion from before the upgrade')
  assert.ok(changes.some((c) => c.id === id && !c.removed), 'the message posted after it')
})
