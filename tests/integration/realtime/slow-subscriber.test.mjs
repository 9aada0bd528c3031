// A subscriber that connects, subscribes and never reads must not hold anyone up.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { startServer } from '../../helpers/server.mjs'
import { signUp } from '../../helpers/browserless.mjs'
import { Subscriber } from '../../helpers/sse.mjs'
import { liveAttributes } from '../../helpers/markup.mjs'

let server
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_POSTS: '100000/60', HEARTH_RELAY_QUEUE: '16' } })
})
after(async () => { await server?.stop() })

/** stuckSubscriber opens the SSE stream over a raw socket, reads PB_CONNECT, then never reads again. */
function stuckSubscriber(visitor) {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1')
    let buffer = ''
    const state = { socket, closed: false, clientId: null }
    socket.on('close', () => { state.closed = true })
    socket.on('error', () => { state.closed = true })
    socket.on('data', function onData(chunk) {
      buffer += chunk
      const m = /"clientId":"([^"]+)"/.exec(buffer)
      if (m) {
        state.clientId = m[1]
        socket.off('data', onData)
        socket.pause() // from here on, nothing is read: the kernel buffers fill up, then PocketBase's writes block
        resolve(state)
      }
    })
    socket.write(`GET /api/realtime HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAccept: text/event-stream\r\nCookie: ${visitor.cookieHeader()}\r\n\r\n`)
    setTimeout(() => reject(new Error('no PB_CONNECT')), 5000).unref()
  })
}

test('a subscriber that never reads delays neither the poster nor the other subscribers, and is cut off', async () => {
  const poster = await signUp(server)
  const reader = await signUp(server)
  const { topic } = liveAttributes((await reader.get('/rooms/lobby')).text)

  const stuck = await stuckSubscriber(reader)
  const subscribed = await reader.post('/realtime/subscriptions', { clientId: stuck.clientId, topics: topic })
  assert.equal(subscribed.status, 200)

  const healthy = new Subscriber(reader)
  await healthy.connect()
  assert.equal((await healthy.subscribe([topic])).status, 200)

  // Enough large events to fill the stuck connection's kernel buffers (the relay keeps its send
  // buffer small, but without that Linux lets a loopback send buffer grow to 4 MB) and then its
  // relay queue (16 here): each '<' is escaped to '&lt;', so one event is about 16 KB.
  const body = '<'.repeat(3990)
  const total = 600
  let posted = 0
  const worker = async () => {
    while (posted < total) {
      const i = posted++
      const res = await poster.post('/rooms/lobby/messages', { body: `${i} ${body}`, nonce: `slow-${i}` })
      assert.equal(res.status, 303)
    }
  }
  await Promise.all(Array.from({ length: 4 }, worker))

  // Every post was answered (with a blocking send the posts would hang) and the healthy subscriber
  // got every message, once each, in order.
  const events = await healthy.waitFor((ev) => ev.filter((e) => e.html.includes('class="message"')).length >= total, 60000)
  const seqs = events.map((e) => e.seq)
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b))
  assert.equal(new Set(seqs).size, seqs.length)

  // The stuck subscriber was cut off rather than buffered without bound: once it reads again it
  // finds the end of the stream, having received only a fraction of the messages.
  const received = await new Promise((resolve) => {
    let text = ''
    const count = () => (text.match(/class=\\"message\\"/g) || []).length
    stuck.socket.on('data', (chunk) => {
      text += chunk
      // the server ended the response (the last chunk of a chunked body), keeping or closing the socket
      if (text.endsWith('\r\n0\r\n\r\n')) resolve(count())
    })
    stuck.socket.on('close', () => resolve(count()))
    stuck.socket.resume()
    setTimeout(() => resolve(-1), 30000).unref()
  })
  assert.notEqual(received, -1, 'the server should have closed the stream of a subscriber that never reads')
  assert.ok(received < total / 2, `the stuck subscriber got ${received} of ${total} messages: it was not cut off`)
  healthy.close()
})
