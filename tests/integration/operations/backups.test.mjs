// Backups: with HEARTH_REPLICA set, Litestream (inside Hearth's binary) copies data.db to the
// replica continuously; `restore` brings it back into an empty folder. After `kill -9` in the middle
// of a stream of posts, every post acknowledged more than a second before the kill is restored.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { startServer, PB, ROOT } from '../../helpers/server.mjs'
import { signUp, createRoom, postMessage, uniqueText } from '../../helpers/browserless.mjs'
import { SUPERUSER, api, startServerWithSuperuser } from '../../helpers/admin.mjs'

const run = promisify(execFile)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const LIMITS = { HEARTH_LIMIT_POSTS: '100000/60', HEARTH_LIMIT_SIGNUPS: '1000/3600' }

/** a Hearth replicating to a fresh replica folder, with a room and a poster in it */
async function replicatingHearth() {
  const replicaDir = mkdtempSync(join(tmpdir(), 'hearth-replica-'))
  const server = await startServerWithSuperuser({ env: { ...LIMITS, HEARTH_REPLICA: replicaDir } })
  const poster = await signUp(server)
  const slug = await createRoom(poster)
  return { server, replicaDir, poster, slug }
}

/** restore runs `pocketbase restore` into a new empty folder and returns that folder */
async function restore(replicaDir) {
  const dir = join(mkdtempSync(join(tmpdir(), 'hearth-restored-')), 'pb_data')
  await run(PB, ['restore', '--replica', replicaDir, '--dir', dir])
  return dir
}

/** bodiesIn starts Hearth on a restored folder and reads every message body through the superuser API */
async function bodiesIn(dir) {
  execFileSync(PB, ['superuser', 'upsert', SUPERUSER.email, SUPERUSER.password, '--dir', dir, '--migrationsDir', join(ROOT, 'pb_migrations')], { stdio: 'pipe' })
  const server = await startServer({ dataDir: dir, env: LIMITS })
  try {
    const auth = await api(server, 'POST', '/api/collections/_superusers/auth-with-password', { body: { identity: SUPERUSER.email, password: SUPERUSER.password } })
    const bodies = new Set()
    for (let page = 1; ; page++) {
      const res = await api(server, 'GET', `/api/collections/messages/records?perPage=500&page=${page}&fields=body`, { token: auth.json.token })
      assert.equal(res.status, 200, res.text)
      for (const m of res.json.items) bodies.add(m.body)
      if (page >= res.json.totalPages) break
    }
    return bodies
  } finally {
    await server.stop()
  }
}

/** postStream posts from `posters` loops until stopped; acks are { body, at } of every acknowledged post */
function postStream(poster, slug, posters = 4) {
  const acks = []
  let going = true
  const loops = Array.from({ length: posters }, async () => {
    while (going) {
      const body = uniqueText('stream')
      try {
        await postMessage(poster, slug, body)
        acks.push({ body, at: Date.now() })
      } catch {
        return // the server is gone
      }
    }
  })
  return { acks, stop: async () => { going = false; await Promise.all(loops) } }
}

test('after kill -9 in a stream of posts, the restored database has every post acknowledged more than a second before the kill', async (t) => {
  const { server, replicaDir, poster, slug } = await replicatingHearth()
  const cleanup = [replicaDir, server.dataDir]
  try {
    const stream = postStream(poster, slug)
    // at least three seconds and 40 posts (a busy machine posts slowly), at most 15 seconds
    const started = Date.now()
    while (Date.now() - started < 3000 || (stream.acks.length < 40 && Date.now() - started < 15000)) await sleep(100)
    process.kill(server.pid, 'SIGKILL')
    const killedAt = Date.now()
    await server.exited()
    await stream.stop()

    const dir = await restore(replicaDir)
    cleanup.push(join(dir, '..'))
    const restored = await bodiesIn(dir)

    const settled = stream.acks.filter((a) => a.at < killedAt - 1000)
    assert.ok(settled.length >= 10, `only ${settled.length} posts acknowledged before the last second`)
    const missing = settled.filter((a) => !restored.has(a.body))
    assert.deepEqual(missing.map((a) => `${killedAt - a.at} ms before the kill`), [], `${missing.length} of ${settled.length} settled posts are missing`)
    const recent = stream.acks.filter((a) => a.at >= killedAt - 1000)
    const lost = recent.filter((a) => !restored.has(a.body))
    const newest = Math.max(...stream.acks.filter((a) => restored.has(a.body)).map((a) => a.at))
    t.diagnostic(`${stream.acks.length} posts acknowledged; of the ${recent.length} in the last second before the kill ${lost.length} lost; the newest restored was acknowledged ${killedAt - newest} ms before the kill`)
  } finally {
    await server.stop()
    for (const d of cleanup) rmSync(d, { recursive: true, force: true })
  }
})

test('health tells when the replica was last synced, metrics have Litestream\'s, PocketBase\'s backups leave its state out, and a clean stop sends the replica everything: nothing acknowledged is lost', async () => {
  const { server, replicaDir, poster, slug } = await replicatingHearth()
  const cleanup = [replicaDir, server.dataDir]
  try {
    const stream = postStream(poster, slug, 2)
    const started = Date.now()
    while (stream.acks.length < 10 && Date.now() - started < 10000) await sleep(100)
    await stream.stop()
    await sleep(1500) // a sync (every second) after the last post
    const health = await (await fetch(`${server.url}/health`)).json()
    assert.equal(health.replica?.status, 'ok', JSON.stringify(health))
    assert.ok(Date.now() - Date.parse(health.replica.lastSync) < 5000, `last sync ${health.replica.lastSync}`)
    assert.match(await (await fetch(`${server.url}/metrics`)).text(), /^litestream_db_size\{/m, "Litestream's metrics are in /metrics")
    // PocketBase's own backups still work beside it, without Litestream's local state
    const backup = await api(server, 'POST', '/api/backups', { token: server.superuserToken, body: { name: 'beside.zip' } })
    assert.equal(backup.status, 204, backup.text)
    const entries = execFileSync('unzip', ['-Z1', join(server.dataDir, 'backups', 'beside.zip')], { encoding: 'utf8' }).split('\n')
    assert.ok(entries.includes('data.db'), entries.join(' '))
    assert.ok(!entries.some((e) => e.includes('-litestream')), entries.join(' '))
    await server.halt() // SIGTERM: Litestream's final sync runs before the process ends
    const dir = await restore(replicaDir)
    cleanup.push(join(dir, '..'))
    const restored = await bodiesIn(dir)
    assert.ok(stream.acks.length >= 10, `${stream.acks.length} posts`)
    assert.deepEqual(stream.acks.filter((a) => !restored.has(a.body)), [])
  } finally {
    await server.stop()
    for (const d of cleanup) rmSync(d, { recursive: true, force: true })
  }
})

test('restore refuses a folder that already has a database, and a missing replica, with a reason and exit code 1', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-test-'))
  const replicaDir = mkdtempSync(join(tmpdir(), 'hearth-replica-'))
  try {
    execFileSync(PB, ['superuser', 'upsert', SUPERUSER.email, SUPERUSER.password, '--dir', dataDir, '--migrationsDir', join(ROOT, 'pb_migrations')], { stdio: 'pipe' })
    const scenarios = [
      { name: 'a folder with data.db', args: ['--replica', replicaDir, '--dir', dataDir], reason: /already exists: restore into an empty folder/ },
      { name: 'no replica given', args: ['--dir', join(replicaDir, 'new')], reason: /no replica: set HEARTH_REPLICA/ },
      { name: 'restore after another flag', before: ['--dir', dataDir], args: ['--replica', replicaDir], reason: /write it first: pocketbase restore --dir/ },
    ]
    for (const s of scenarios) {
      const err = await run(PB, [...(s.before ?? []), 'restore', ...s.args], { env: { ...process.env, HEARTH_REPLICA: '' } }).then(() => null, (e) => e)
      assert.ok(err, `${s.name}: restore succeeded`)
      assert.equal(err.code, 1, s.name)
      assert.match(err.stderr, s.reason, s.name)
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(replicaDir, { recursive: true, force: true })
  }
})
