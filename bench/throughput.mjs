// 4. Throughput: how many posts per second Hearth sustains for a minute (--quick: 10 s) with 1,000
// subscribers in the room, and whether every subscriber got every fragment exactly once and in
// order (the envelope's seq, per connection: no gap, no repeat, no step back). Posting is a closed
// loop of several people posting at once (each a member with a session, as many as --posters).
// Baseline: the same load with PocketBase's record realtime subscribers (their message seq is
// checked the same way; PocketBase promises no order).
//
//   node bench/throughput.mjs [--quick] [--seconds=60] [--subscribers=1000] [--posters=4] [--systems=hearth,pb]
import {
  args, round, ratio, sleep, now, cpuMs, startBenchServer, postForm, summary, writeResult, goal, fmt, LoadSampler,
  onExit, perfRecord,
} from './lib/common.mjs'
import { randomBytes } from 'node:crypto'
import { SubscriberPool, workersFor } from './lib/pool.mjs'
import { setupRoom } from './lib/setup.mjs'
import { signUp, uniqueName } from '../tests/helpers/browserless.mjs'

const a = args()
const quick = !!a.quick
const SECONDS = Number(a.seconds ?? (quick ? 10 : 60))
const N = Number(a.subscribers ?? 1000)
const POSTERS = Number(a.posters ?? 4)
const SYSTEMS = String(a.systems ?? 'hearth,pb').split(',')
const MAX_POSTS = 100000

const load = new LoadSampler()
let server = null
let pool = null
const stop = onExit(async () => {
  await pool?.shutdown()
  await server?.stop()
})

async function measure(system) {
  server = await startBenchServer()
  const setup = await setupRoom(server, { readers: 20 })
  const posters = [setup.poster.cookie]
  for (let i = 1; i < POSTERS; i++) {
    const v = await signUp(server, uniqueName('poster'))
    const res = await v.post(`/rooms/${setup.slug}/membership`, {})
    if (res.status !== 303) throw new Error(`join failed: ${res.status}`)
    posters.push(v.cookieHeader())
  }
  pool = new SubscriberPool(workersFor(N))
  await pool.ready()
  const opened = await pool.open({
    port: server.port, mode: system, topic: system === 'hearth' ? setup.hearthTopic : setup.pbTopic, accounts: setup.accounts, count: N,
  })
  if (opened.failed) console.log(`  ${system}: ${opened.failed} connections failed: ${opened.errors.join('; ')}`)
  await sleep(500)
  await pool.reset({ exact: false, seqCheck: true })
  const perfStop = perfRecord(server.pid, `throughput-${system}`)
  const cpu0 = cpuMs(server.pid)
  const postMs = []
  let posted = 0
  let errors = 0
  let k = 0
  const t0 = performance.now()
  const deadline = t0 + SECONDS * 1000
  const poster = async (cookie) => {
    while (performance.now() < deadline && k < MAX_POSTS) {
      const mine = ++k
      const t = performance.now()
      try {
        const res = await postForm(server, `/rooms/${setup.slug}/messages`, { body: `bench k=${mine} t=${now().toFixed(3)}`, nonce: randomBytes(8).toString('hex') }, { cookie })
        if (res.status !== 303) throw new Error(`status ${res.status}`)
        postMs.push(performance.now() - t)
        posted++
      } catch {
        errors++
      }
    }
  }
  await Promise.all(posters.map(poster))
  const postingMs = performance.now() - t0
  // let deliveries finish: until every connection has every post, or nothing more arrives for 5 s
  let last = -1
  let stableSince = performance.now()
  const drainDeadline = performance.now() + 60000
  while (performance.now() < drainDeadline) {
    const st = await pool.status()
    const events = st.reduce((s, w) => s + w.events, 0)
    const alive = st.reduce((s, w) => s + w.subscribed, 0)
    if (events >= posted * alive) break
    if (events !== last) {
      last = events
      stableSince = performance.now()
    } else if (performance.now() - stableSince > 5000) break
    await sleep(100)
  }
  const drainMs = performance.now() - t0 - postingMs
  const serverCpu = cpuMs(server.pid) - cpu0
  await perfStop()
  const c = await pool.collect()
  const relay = system === 'hearth' ? await server.relayStats() : undefined
  await pool.shutdown()
  pool = null
  await server.stop()
  server = null

  const everyoneAll = Object.keys(c.seq.got).length === 1 && Number(Object.keys(c.seq.got)[0]) === posted
  const r = {
    subscribers: opened.opened,
    posters: POSTERS,
    seconds: round(postingMs / 1000, 1),
    posted,
    postErrors: errors,
    postsPerSecond: round((posted * 1000) / postingMs, 1),
    deliveriesPerSecond: round(c.events / ((postingMs + drainMs) / 1000)),
    post: summary(postMs),
    latency: c.hist.summary(),
    expectedDeliveries: posted * opened.opened,
    delivered: c.events,
    missing: posted * opened.opened - c.events,
    connectionsWithEverything: c.seq.got[posted] || 0,
    receivedPerConnection: c.seq.got,
    duplicates: c.seq.dups,
    outOfOrder: c.seq.reordered,
    gaps: c.seq.gaps,
    unexpectedCloses: c.unexpectedCloses,
    drainMs: round(drainMs),
    serverCpuMsPerPost: round(serverCpu / Math.max(1, posted), 2),
    serverCpuShare: round(serverCpu / (postingMs + drainMs), 2),
    clientCpuUsPerEvent: round((c.cpuMs * 1000) / Math.max(1, c.events), 1),
    relay,
    exactlyOnceInOrder: everyoneAll && c.seq.dups === 0 && c.seq.reordered === 0 && c.seq.gaps === 0 && c.unexpectedCloses === 0,
  }
  console.log(`  ${system.padEnd(6)} ${r.postsPerSecond} posts/s (${posted} in ${r.seconds} s, ${errors} errors), ${r.deliveriesPerSecond} deliveries/s; POST ${fmt(r.post)}`)
  console.log(`  ${system.padEnd(6)} delivery latency ${fmt(r.latency)}; missing ${r.missing}, duplicates ${r.duplicates}, out of order ${r.outOfOrder}, gaps ${r.gaps}, dropped connections ${r.unexpectedCloses}; ${r.connectionsWithEverything}/${r.subscribers} connections got all ${posted}${relay ? `; relay dropped ${relay.dropped}` : ''}`)
  console.log(`  ${system.padEnd(6)} server CPU ${r.serverCpuMsPerPost} ms/post (${Math.round(r.serverCpuShare * 100)} % of one core), reader CPU ${r.clientCpuUsPerEvent} µs/event`)
  return r
}

const out = {}
try {
  for (const system of SYSTEMS) out[system] = await measure(system)
} finally {
  await stop()
}
const result = {
  hearth: out.hearth,
  pb: out.pb,
  ratio: out.hearth && out.pb ? {
    postsPerSecond: ratio(out.hearth.postsPerSecond, out.pb.postsPerSecond),
    latencyP50: ratio(out.hearth.latency.p50, out.pb.latency.p50),
    latencyP99: ratio(out.hearth.latency.p99, out.pb.latency.p99),
  } : null,
}
if (result.ratio) console.log(`  Hearth/PocketBase: posts/s ${result.ratio.postsPerSecond}x, delivery p50 ${result.ratio.latencyP50}x, p99 ${result.ratio.latencyP99}x`)
const goals = []
if (out.hearth) goals.push(goal(`every fragment delivered once and in order at ${out.hearth.postsPerSecond} posts/s to ${N} subscribers`, out.hearth.exactlyOnceInOrder, `missing ${out.hearth.missing}, duplicates ${out.hearth.duplicates}, out of order ${out.hearth.outOfOrder}, gaps ${out.hearth.gaps}, dropped ${out.hearth.unexpectedCloses}`))
const file = writeResult('throughput', { params: { seconds: SECONDS, subscribers: N, posters: POSTERS, quick }, load: load.stop(), result, goals })
console.log(`wrote ${file}`)
