// 1. Fan-out latency: N subscribers in one public room, one poster. For every post, the time from
// just before the POST to each subscriber having the event (the send time travels in the message
// body, "bench k=<n> t=<ms since epoch>", and is parsed out of what arrives).
//
// Hearth: connections subscribed through POST /realtime/subscriptions with the session cookie;
// the relay pushes the rendered fragment. Baseline in the same server and room: PocketBase's own
// record realtime, the same number of connections subscribed to "messages/*" through POST
// /api/realtime with an auth token (the collection's listRule is checked per connection), which
// receive the record JSON on create. The two are measured one after the other, never together.
// --change=reaction measures a reaction toggle instead of a post (Hearth only: the reaction's
// record JSON has nothing to time it by; see bench/lib/reaction.mjs), written to fanout-reaction.json.
//
//   node bench/fanout.mjs [--n=100,1000,5000,10000] [--quick] [--posts=20] [--gap=200] [--order=hearth,pb] [--change=post|reaction]
import {
  args, numList, summary, ratio, round, sleep, now, cpuMs, startBenchServer, postMessage, writeResult,
  goal, fmt, LoadSampler, onExit, perfRecord,
} from './lib/common.mjs'
import { SubscriberPool, workersFor } from './lib/pool.mjs'
import { setupRoom } from './lib/setup.mjs'
import { RENAME_PAGES, reactionTarget, toggleOn, toggle } from './lib/reaction.mjs'

const a = args()
const quick = !!a.quick
const Ns = numList(a.n, quick ? [100, 1000] : [100, 1000, 5000, 10000])
const POSTS = Number(a.posts ?? (quick ? 10 : 20))
const GAP = Number(a.gap ?? 200)
const CHANGE = String(a.change ?? 'post')
if (CHANGE !== 'post' && CHANGE !== 'reaction') throw new Error('--change=post or --change=reaction')
const ORDER = String(a.order ?? (CHANGE === 'reaction' ? 'hearth' : 'hearth,pb')).split(',')
const WORKERS = a.workers ? Number(a.workers) : null
const CONNECT_CONCURRENCY = Number(a['connect-concurrency'] ?? 12)

const load = new LoadSampler()
const server = await startBenchServer({}, CHANGE === 'reaction' ? RENAME_PAGES : {})
let target = null // --change=reaction: the message and the reactor
let pool = null
const stop = onExit(async () => {
  await pool?.shutdown()
  await server.stop()
})

let K = 0
async function waitClientsGone(ms = 20000) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if ((await server.relayStats()).clients === 0) return true
    await sleep(100)
  }
  return false
}

/**
 * change makes event k happen (a post, or a reaction given at its mark's time and taken back once
 * everyone has it) and returns when it was sent and the POST's answer.
 */
async function change(setup, k, label = '') {
  if (CHANGE === 'reaction') return toggleOn(server, setup, target, k)
  const sent = now()
  return { sent, res: await postMessage(server, setup.slug, setup.poster.cookie, `bench k=${k} t=${sent.toFixed(3)}${label}`) }
}

async function settle(setup) {
  if (CHANGE === 'reaction') await toggle(server, setup, target)
}

/** one system at one N: connect, warm up, POSTS measured posts, disconnect */
async function phase(setup, system, N) {
  const W = WORKERS ?? workersFor(N)
  pool = new SubscriberPool(W)
  await pool.ready()
  const opened = await pool.open({
    port: server.port, mode: system, topic: system === 'hearth' ? setup.hearthTopic : setup.pbTopic,
    accounts: setup.accounts, count: N, concurrency: CONNECT_CONCURRENCY,
  })
  if (opened.failed) console.log(`  ${system}: ${opened.failed} of ${N} connections failed: ${opened.errors.join('; ')}`)
  await sleep(300)
  const timeout = Math.max(10000, N * 5)
  // two warm-up posts, not measured
  for (let i = 0; i < 2; i++) {
    const k = ++K
    await change(setup, k, ' (warm-up)')
    await pool.waitDone(k, timeout)
    await settle(setup)
    await sleep(GAP)
  }
  await pool.reset({ exact: true, seqCheck: false })
  const perfStop = perfRecord(server.pid, `fanout-${system}-${N}`)
  const cpu0 = cpuMs(server.pid)
  const postMs = []
  const ks = []
  const sentAt = new Map()
  let incomplete = 0
  const t0 = performance.now()
  for (let i = 0; i < POSTS; i++) {
    const k = ++K
    ks.push(k)
    const { sent, res } = await change(setup, k)
    sentAt.set(k, sent)
    postMs.push(res.ms)
    if (!(await pool.waitDone(k, timeout))) incomplete++
    await settle(setup)
    await sleep(GAP)
  }
  const wallMs = performance.now() - t0
  const serverCpu = cpuMs(server.pid) - cpu0
  await perfStop()
  const c = await pool.collect()
  const all = []
  const last = []
  let received = 0
  for (const k of ks) {
    const arr = c.lat.get(k) || []
    received += arr.length
    for (const v of arr) all.push(v)
    last.push(arr.length ? Math.max(...arr) : NaN)
  }
  // where the time goes: until the first connection has it (the POST's work before publishing),
  // then the spread to the last one, and how busy the reader processes were during that spread
  const first = []
  const spread = []
  const perPost = []
  let busy = 0
  let spreadSum = 0
  for (const k of ks) {
    const b = c.bursts.get(k)
    if (!b) continue
    first.push(b.first - sentAt.get(k))
    spread.push(b.last - b.first)
    perPost.push({ k, post: round(postMs[ks.indexOf(k)]), first: round(b.first - sentAt.get(k)), last: round(b.last - sentAt.get(k)) })
    for (const w of b.perWorker) {
      busy += w.busy
      spreadSum += w.spread
    }
  }
  const stats = await server.relayStats()
  await pool.closeConns()
  await pool.shutdown()
  pool = null
  await waitClientsGone()
  const r = {
    subscribers: opened.opened,
    failedConnections: opened.failed,
    connectMs: round(opened.ms),
    workers: W,
    latency: summary(all),
    lastSubscriber: summary(last.filter(Number.isFinite)),
    firstSubscriber: summary(first),
    spread: summary(spread),
    readerBusyDuringSpread: round(busy / Math.max(1e-9, spreadSum), 3),
    post: summary(postMs),
    expected: opened.opened * POSTS,
    received,
    missing: opened.opened * POSTS - received,
    incompletePosts: incomplete,
    unexpectedCloses: c.unexpectedCloses,
    serverCpuMsPerPost: round(serverCpu / POSTS),
    clientCpuUsPerEvent: round((c.cpuMs * 1000) / Math.max(1, c.events)),
    clientEventLoopUtilization: c.elu.map((x) => round(x, 3)),
    wallMs: round(wallMs),
    relay: system === 'hearth' ? stats : undefined,
    // each post's own numbers, to tell one slow post from a slow tail everywhere
    perPost,
  }
  console.log(`  ${system.padEnd(6)} N=${N}: ${fmt(r.latency)} | last subscriber ${fmt(r.lastSubscriber)} | first ${r.firstSubscriber.p50} spread ${r.spread.p50} (reader busy ${Math.round(r.readerBusyDuringSpread * 100)} %) | POST p50 ${r.post.p50} ms | missing ${r.missing} | server CPU ${r.serverCpuMsPerPost} ms/post | reader CPU ${r.clientCpuUsPerEvent} µs/event | connect ${round(opened.ms / 1000, 1)} s`)
  return r
}

const results = []
let setup
let postAlone = null
try {
  setup = await setupRoom(server, { readers: 20 })
  if (CHANGE === 'reaction') target = await reactionTarget(server, setup)
  // the POST alone, nobody listening: what every latency below starts with
  const alone = []
  for (let i = 0; i < 10; i++) {
    alone.push((await postMessage(server, setup.slug, setup.poster.cookie, `bench k=0 t=${now().toFixed(3)} (no subscribers)`)).ms)
    await sleep(50)
  }
  postAlone = summary(alone)
  console.log(`  POST with no subscribers: ${fmt(postAlone)}`)
  for (const N of Ns) {
    const row = { N }
    for (const system of ORDER) row[system] = await phase(setup, system, N)
    if (!row.hearth || !row.pb) {
      results.push(row)
      continue
    }
    row.ratio = {
      p50: ratio(row.hearth.latency.p50, row.pb.latency.p50),
      p99: ratio(row.hearth.latency.p99, row.pb.latency.p99),
      max: ratio(row.hearth.latency.max, row.pb.latency.max),
      last: ratio(row.hearth.lastSubscriber.p50, row.pb.lastSubscriber.p50),
    }
    console.log(`  N=${N}: Hearth/PocketBase  p50 ${row.ratio.p50}x  p99 ${row.ratio.p99}x  max ${row.ratio.max}x  last subscriber (median post) ${row.ratio.last}x`)
    results.push(row)
  }
} finally {
  await stop()
}

console.log('\nFan-out latency (ms from POST to subscriber)')
console.log('   N      | Hearth p50   p99    max   last | PocketBase p50   p99    max   last | ratio p50  p99')
for (const r of results.filter((x) => x.ratio)) {
  const h = r.hearth
  const p = r.pb
  console.log(`  ${String(r.N).padEnd(7)} | ${String(h.latency.p50).padStart(8)} ${String(h.latency.p99).padStart(6)} ${String(h.latency.max).padStart(6)} ${String(h.lastSubscriber.p50).padStart(6)} | ${String(p.latency.p50).padStart(13)} ${String(p.latency.p99).padStart(6)} ${String(p.latency.max).padStart(6)} ${String(p.lastSubscriber.p50).padStart(6)} | ${String(r.ratio.p50).padStart(8)} ${String(r.ratio.p99).padStart(5)}`)
}
const goals = []
const at = (n) => results.find((r) => r.N === n)
if (at(1000)) goals.push(goal('fan-out p99 <= 25 ms at 1,000 subscribers', at(1000).hearth.latency.p99 <= 25 && at(1000).hearth.missing === 0, `p99 ${at(1000).hearth.latency.p99} ms, missing ${at(1000).hearth.missing}`))
if (at(10000)) goals.push(goal('fan-out p99 <= 200 ms at 10,000 subscribers', at(10000).hearth.latency.p99 <= 200 && at(10000).hearth.missing === 0, `p99 ${at(10000).hearth.latency.p99} ms, missing ${at(10000).hearth.missing}`))
for (const r of results.filter((x) => x.ratio)) {
  goals.push(goal(`Hearth <= 0.5x PocketBase record realtime latency at N=${r.N} (p99)`, r.ratio.p99 <= 0.5, `p99 ${r.ratio.p99}x, p50 ${r.ratio.p50}x`))
}
const file = writeResult(CHANGE === 'reaction' ? 'fanout-reaction' : 'fanout', { params: { Ns, posts: POSTS, gapMs: GAP, order: ORDER, change: CHANGE, quick }, load: load.stop(), postWithoutSubscribers: postAlone, results, goals })
console.log(`wrote ${file}`)
