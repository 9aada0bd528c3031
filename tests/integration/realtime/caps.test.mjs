// Caps on live realtime connections, at their defaults: 50 per client IP and 12 per browser
// session (the hearth_session cookie); one more is refused with 429 before PB_CONNECT, and a closed
// connection frees its place. Each test connects from its own loopback address.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer } from '../../helpers/server.mjs'
import { signUp } from '../../helpers/browserless.mjs'
import { RawSse, apiRealtimeSubscribe } from '../../helpers/sse.mjs'

let server
before(async () => {
  // whatever the environment of the test run says, this server has the defaults
  server = await startServer({ env: { HEARTH_LIMIT_CONNECTIONS_PER_IP: '', HEARTH_LIMIT_CONNECTIONS_PER_SESSION: '' } })
})
after(async () => { await server?.stop() })

/** connectAll opens every connection at once; resolves with the open ones and the refused count. */
async function connectAll(options) {
  const conns = options.map((o) => new RawSse(server, o))
  const results = await Promise.allSettled(conns.map((c) => c.connect(15000)))
  const open = conns.filter((_, i) => results[i].status === 'fulfilled')
  const errors = results.filter((r) => r.status === 'rejected').map((r) => r.reason.message)
  for (const e of errors) assert.equal(e, 'SSE answered 429')
  return { open, refused: errors.length }
}

/** answer reads the status, type and body of one connection that must be refused. */
async function answer(options) {
  const conn = new RawSse(server, options)
  try {
    await conn.connect()
  } catch (err) {
    if (err.status) return { status: err.status, type: err.type, text: err.text }
    throw err
  }
  conn.close()
  throw new Error('the connection was not refused')
}

test('one address: of 200 simultaneous connections exactly 50 get through; closed ones free their places', async () => {
  const localAddress = '127.0.0.7'
  const first = await connectAll(Array.from({ length: 200 }, () => ({ localAddress })))
  assert.equal(first.open.length, 50)
  assert.equal(first.refused, 150)

  const refused = await answer({ localAddress })
  assert.equal(refused.status, 429)
  assert.match(refused.type, /^text\/plain/)
  assert.match(refused.text, /too many realtime connections/i)
  assert.doesNotMatch(refused.text, /PB_CONNECT/)

  // another address is not held back
  const other = await connectAll([{ localAddress: '127.0.0.8' }])
  assert.equal(other.open.length, 1)

  for (const c of first.open.slice(0, 10)) c.close()
  await sleep(300)
  const again = await connectAll(Array.from({ length: 40 }, () => ({ localAddress })))
  assert.equal(again.open.length, 10)
  for (const c of [...first.open, ...other.open, ...again.open]) c.close()
})

test('one browser session: of 40 simultaneous connections from many addresses exactly 12 get through', async () => {
  const visitor = await signUp(server)
  const cookie = visitor.cookieHeader()
  const spread = (n, from) => Array.from({ length: n }, (_, i) => ({ cookie, localAddress: `127.0.1.${from + (i % 20)}` }))
  const first = await connectAll(spread(40, 1))
  assert.equal(first.open.length, 12)
  assert.equal(first.refused, 28)
  assert.equal((await answer({ cookie, localAddress: '127.0.1.99' })).status, 429)

  // a tab of another person, and one without a session, still connect from the same addresses
  const other = await signUp(server)
  assert.equal((await connectAll([{ cookie: other.cookieHeader(), localAddress: '127.0.1.1' }, { localAddress: '127.0.1.1' }])).open.length, 2)

  for (const c of first.open.slice(0, 3)) c.close()
  await sleep(300)
  const again = await connectAll(spread(20, 30))
  assert.equal(again.open.length, 3)
  for (const c of [...first.open, ...again.open]) c.close()
})

test("PocketBase's own subscribe endpoint takes at most 120 calls a minute from one address, even all at once", async () => {
  const conn = new RawSse(server) // PocketBase takes subscribe calls only from the connection's address
  await conn.connect()
  try {
    const answers = await Promise.all(Array.from({ length: 300 }, () => apiRealtimeSubscribe(server, conn.clientId, [])))
    const counts = {}
    for (const a of answers) counts[a.status] = (counts[a.status] || 0) + 1
    assert.deepEqual(counts, { 204: 120, 429: 180 })
  } finally {
    conn.close()
  }
})
