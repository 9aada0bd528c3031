// A subscriber-load process: holds many realtime connections (lib/sse.mjs), subscribes them the
// way Hearth's pages do (POST /realtime/subscriptions with the session cookie) or the way a
// PocketBase SDK client does (POST /api/realtime with an auth token, topic "messages/*"), and
// records for every benchmark message when each connection got it. Driven by lib/pool.mjs over IPC.
import http from 'node:http'
import { performance as perf } from 'node:perf_hooks'
import { SseConn, MARK } from './sse.mjs'
import { Histogram } from './common.mjs'

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 })

let conns = []
let subscribed = 0 // connections subscribed and still open
let mode = 'hearth'
let topic = ''
// measurements
let exact = true
let lat = new Map() // k -> number[] (ms)
let counts = new Map() // k -> how many connections got it
let bursts = new Map() // k -> { first, last, busy0, busy }: when the first and last connection got it, reader busy time between
let doneSent = new Set()
let hist = new Histogram()
let events = 0
let unexpectedCloses = 0
let cpu0 = process.cpuUsage()
let elu0 = perf.eventLoopUtilization()
let seqCheck = true

function send(msg) {
  process.send(msg)
}

function post(port, path, body, headers, localAddress) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path, method: 'POST', agent, localAddress,
      headers: { 'Content-Length': Buffer.byteLength(body), ...headers },
    }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d) => { text += d })
      res.on('end', () => resolve({ status: res.statusCode, text }))
    })
    req.setTimeout(60000, () => req.destroy(new Error('subscribe timed out')))
    req.on('error', reject)
    req.end(body)
  })
}

function onEvent(conn, name, data, t) {
  if (name !== topic) return
  events++
  const m = MARK.exec(data)
  if (seqCheck) {
    // Hearth's envelope {html, seq, id} has one unescaped "seq":N; PocketBase's record JSON has the message's "number":N
    const sm = mode !== 'pb' ? /"seq":(\d+)[,}]/.exec(data) : /"number":(\d+)/.exec(data)
    const seq = sm ? Number(sm[1]) : -1
    if (conn.firstSeq === undefined) conn.firstSeq = seq
    else if (seq === conn.lastSeq) conn.dups++
    else if (seq < conn.lastSeq) conn.reordered++
    else if (seq > conn.lastSeq + 1) conn.gaps += seq - conn.lastSeq - 1
    if (seq > (conn.lastSeq ?? -1)) conn.lastSeq = seq
    conn.got++
  }
  if (!m) return
  const k = Number(m[1])
  const ms = t - Number(m[2])
  if (exact) {
    let arr = lat.get(k)
    if (!arr) lat.set(k, (arr = []))
    arr.push(ms)
  } else hist.add(ms)
  const c = (counts.get(k) || 0) + 1
  counts.set(k, c)
  let b = bursts.get(k)
  if (!b) bursts.set(k, (b = { first: t, last: t, busy0: SseConn.busyMs, busy: 0 }))
  b.last = t
  b.busy = SseConn.busyMs - b.busy0
  if (c >= subscribed && !doneSent.has(k)) {
    doneSent.add(k)
    send({ type: 'done', k, count: c })
  }
}

function onClose(conn) {
  if (conn.subscribed) {
    conn.subscribed = false
    subscribed--
    if (!conn.closing) unexpectedCloses++
  }
}

async function openOne(o, i) {
  const account = o.accounts[(o.accountOffset + i) % o.accounts.length]
  const localAddress = o.localAddresses[i % o.localAddresses.length]
  // mode 'hearth-api' (a diagnostic): Hearth's topic, but subscribed through PocketBase's own
  // POST /api/realtime with a token, which sets the same auth record without running any JS
  const conn = new SseConn({ port: o.port, cookie: mode === 'hearth' ? account.cookie : undefined, localAddress, onEvent, onClose })
  conn.got = 0
  conn.dups = 0
  conn.reordered = 0
  conn.gaps = 0
  const clientId = await conn.connect(60000)
  let res
  if (mode === 'hearth') {
    res = await post(o.port, '/realtime/subscriptions', new URLSearchParams({ clientId, topics: roomPageTopics(topic) }).toString(), {
      'Content-Type': 'application/x-www-form-urlencoded', Cookie: account.cookie, Origin: `http://127.0.0.1:${o.port}`,
    }, localAddress)
    if (res.status !== 200) throw new Error(`subscribe answered ${res.status}: ${res.text.slice(0, 200)}`)
  } else {
    res = await post(o.port, '/api/realtime', JSON.stringify({ clientId, subscriptions: [topic] }), {
      'Content-Type': 'application/json', Authorization: account.token,
    }, localAddress)
    if (res.status !== 204) throw new Error(`subscribe answered ${res.status}: ${res.text.slice(0, 200)}`)
  }
  conn.account = account
  conn.localAddress = localAddress
  conn.port = o.port
  if (conn.closed) throw new Error('closed while subscribing')
  conn.subscribed = true
  subscribed++
  conns.push(conn)
}

async function open(o) {
  mode = o.mode
  topic = o.topic
  const t0 = performance.now()
  let next = 0
  let failed = 0
  const errors = []
  const worker = async () => {
    while (next < o.count) {
      const i = next++
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await openOne(o, i)
          break
        } catch (err) {
          if (attempt === 2) {
            failed++
            if (errors.length < 5) errors.push(String(err.message || err))
          }
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(o.concurrency || 32, o.count) }, worker))
  return { opened: subscribed, failed, errors, ms: performance.now() - t0 }
}

/** resubscribe moves every (Hearth) connection to another topic through Hearth's route. */
async function resubscribe(o) {
  topic = o.topic
  let next = 0
  let failed = 0
  const list = conns.filter((c) => c.subscribed)
  const worker = async () => {
    while (next < list.length) {
      const conn = list[next++]
      const res = await post(conn.port, '/realtime/subscriptions', new URLSearchParams({ clientId: conn.clientId, topics: roomPageTopics(o.topic) }).toString(), {
        'Content-Type': 'application/x-www-form-urlencoded', Cookie: conn.account.cookie, Origin: `http://127.0.0.1:${conn.port}`,
      }, conn.localAddress).catch((err) => ({ status: 0, text: String(err) }))
      if (res.status !== 200) failed++
    }
  }
  await Promise.all(Array.from({ length: Math.min(o.concurrency || 8, list.length) }, worker))
  return { moved: list.length - failed, failed }
}

function reset(o = {}) {
  exact = o.exact !== false
  seqCheck = o.seqCheck !== false
  lat = new Map()
  counts = new Map()
  bursts = new Map()
  doneSent = new Set()
  hist = new Histogram()
  events = 0
  unexpectedCloses = 0
  for (const c of conns) {
    c.got = 0
    c.dups = 0
    c.reordered = 0
    c.gaps = 0
    c.firstSeq = undefined
    c.lastSeq = undefined
  }
  cpu0 = process.cpuUsage()
  elu0 = perf.eventLoopUtilization()
}

function collect() {
  const cpu = process.cpuUsage(cpu0)
  const elu = perf.eventLoopUtilization(elu0)
  const seq = { conns: 0, got: [], dups: 0, reordered: 0, gaps: 0, firstSeqs: {}, lastSeqs: {} }
  for (const c of conns) {
    seq.conns++
    seq.got.push(c.got)
    seq.dups += c.dups
    seq.reordered += c.reordered
    seq.gaps += c.gaps
    seq.firstSeqs[c.firstSeq] = (seq.firstSeqs[c.firstSeq] || 0) + 1
    seq.lastSeqs[c.lastSeq] = (seq.lastSeqs[c.lastSeq] || 0) + 1
  }
  const gotHist = {}
  for (const g of seq.got) gotHist[g] = (gotHist[g] || 0) + 1
  seq.got = gotHist
  return {
    lat: exact ? Object.fromEntries(lat) : null,
    hist: exact ? null : hist.toJSON(),
    counts: Object.fromEntries(counts),
    bursts: Object.fromEntries([...bursts].map(([k, b]) => [k, { first: b.first, last: b.last, busy: b.busy }])),
    events,
    subscribed,
    unexpectedCloses,
    cpuMs: (cpu.user + cpu.system) / 1000,
    elu: elu.utilization,
    seq,
  }
}

function closeAll() {
  for (const c of conns) {
    c.closing = true
    c.destroy()
  }
  conns = []
  subscribed = 0
  agent.destroy()
}

process.on('message', async (msg) => {
  try {
    let result
    if (msg.cmd === 'open') result = await open(msg)
    else if (msg.cmd === 'reset') result = reset(msg)
    else if (msg.cmd === 'resubscribe') result = await resubscribe(msg)
    else if (msg.cmd === 'collect') result = collect()
    else if (msg.cmd === 'status') result = { subscribed, counts: Object.fromEntries(counts), events, unexpectedCloses }
    else if (msg.cmd === 'close') result = closeAll()
    else if (msg.cmd === 'exit') {
      closeAll()
      process.exit(0)
    }
    send({ type: 'reply', id: msg.id, result })
  } catch (err) {
    send({ type: 'reply', id: msg.id, error: String(err.stack || err) })
  }
})
process.on('disconnect', () => process.exit(0))
send({ type: 'ready' })

// what a Hearth room page follows: its room and its reader's own topic (bench/reader/main.go)
function roomPageTopics(room) {
  return `${room} me`
}
