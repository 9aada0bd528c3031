// 7. Slow reader memory: how many bytes the server publishes to a client that never reads before
// the relay cuts it, for several event sizes, and whether a healthy subscriber of the same room
// still gets every event. What a never-reading client can cost is its kernel send buffer
// (HEARTH_RELAY_SNDBUF_KB, doubled by Linux), plus its share of the relay's queue
// (HEARTH_RELAY_QUEUE events / HEARTH_RELAY_QUEUE_KB), plus what its own kernel takes in (a paused
// Node socket: Linux's default receive buffer, about 128 KiB, not the 4 KiB of the Go test).
// Events are published straight through $relay.publish by a fixture page, in batches of about 8 KB,
// with a 10-minute write deadline so only the bounds can cut the client.
//
//   node bench/slow-reader-memory.mjs [--sizes=100,1024,16384,65536] [--max-mb=64]
import { args, numList, sleep, startBenchServer, postForm, writeResult, onExit } from './lib/common.mjs'
import { SseConn } from './lib/sse.mjs'
import { setupRoom } from './lib/setup.mjs'

const a = args()
const SIZES = numList(a.sizes, [100, 1024, 16384, 65536])
const MAX_BYTES = Number(a['max-mb'] ?? 64) << 20

// publishes count events of size bytes to a room topic, for every signed-in subscriber
const PUBLISH_PAGE = `<%
  const size = Number(request.query.size), count = Number(request.query.count)
  const data = 'x'.repeat(size)
  let recipients = 0
  for (let i = 0; i < count; i++) recipients += $relay.publish({ topic: request.query.topic, data, anyUser: true })
  response.type('application/json')
%><%- JSON.stringify({ recipients }) %>`

const server = await startBenchServer({ HEARTH_RELAY_WRITE_TIMEOUT_MS: '600000' }, { 'bench-publish/index.ejs': PUBLISH_PAGE })
const open = []
const stop = onExit(async () => {
  for (const c of open) c.destroy()
  await server.stop()
})

async function subscriber(setup, account, topic, opts = {}) {
  const conn = new SseConn({ port: server.port, cookie: account.cookie, ...opts })
  open.push(conn)
  const clientId = await conn.connect()
  const res = await postForm(server, '/realtime/subscriptions', { clientId, topics: topic }, { cookie: account.cookie })
  if (res.status !== 200) throw new Error(`subscribe answered ${res.status}`)
  return conn
}

async function publish(topic, size, count) {
  const res = await fetch(`${server.url}/bench-publish?size=${size}&count=${count}&topic=${encodeURIComponent(topic)}`)
  if (!res.ok) throw new Error(`publish answered ${res.status}`)
  return (await res.json()).recipients
}

const results = []
try {
  const setup = await setupRoom(server, { readers: 2 })
  for (const size of SIZES) {
    const topic = setup.hearthTopic
    let got = 0
    const healthy = await subscriber(setup, setup.accounts[0], topic, { onEvent: (_, name) => { if (name === topic) got++ } })
    const stuck = await subscriber(setup, setup.accounts[1], topic, { pauseAfterConnect: true })
    const frame = `event:${topic}\ndata:${'x'.repeat(size)}\n\n`.length
    const wire = frame + frame.toString(16).length + 4 // the HTTP/1.1 chunk around it
    const batch = Math.max(1, Math.floor(8192 / size))
    const dropped0 = (await server.relayStats()).dropped
    let events = 0
    let peakWaiting = 0
    const t0 = performance.now()
    for (;;) {
      await publish(topic, size, batch)
      events += batch
      await sleep(5)
      const stats = await server.relayStats()
      peakWaiting = Math.max(peakWaiting, stats.waitingBytes ?? 0)
      if (stats.dropped > dropped0 || stuck.closed || events * wire > MAX_BYTES) break
    }
    const cutMs = performance.now() - t0
    const cut = (await server.relayStats()).dropped > dropped0
    // the healthy subscriber must still get every event
    const deadline = performance.now() + 15000
    while (got < events && performance.now() < deadline) await sleep(20)
    const r = {
      eventBytes: size,
      wireBytesPerEvent: wire,
      cut,
      eventsBeforeCut: events,
      bytesBeforeCut: events * wire,
      batch,
      peakQueuedBytes: peakWaiting,
      cutAfterMs: Math.round(cutMs),
      healthyGot: got,
      healthyMissing: events - got,
    }
    results.push(r)
    console.log(`  ${String(size).padStart(6)} B events: ${cut ? 'cut' : 'NOT cut'} after ${events} events = ${(r.bytesBeforeCut / 1024).toFixed(0)} KiB published (batches of ${batch}; relay queue peaked at ${(peakWaiting / 1024).toFixed(0)} KiB) in ${r.cutAfterMs} ms; healthy subscriber got ${got}/${events}`)
    healthy.destroy()
    stuck.destroy()
    await sleep(200)
  }
  // --label=x stores slow-reader-memory-x.json (e.g. a run with the bounds turned off for comparison)
  const file = writeResult(a.label ? `slow-reader-memory-${a.label}` : 'slow-reader-memory', { sizes: SIZES, results, env: { HEARTH_RELAY_SNDBUF_KB: process.env.HEARTH_RELAY_SNDBUF_KB, HEARTH_RELAY_QUEUE_KB: process.env.HEARTH_RELAY_QUEUE_KB } })
  console.log(`  -> ${file}`)
} finally {
  await stop()
}
