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
  args, numList, summary, ratio, sleep, now, startBenchServer, postMessage, writeResult, goal, fmt,
  LoadSampler, running,
} from './lib/common.mjs'
import { fanoutPhase } from './lib/fanout-phase.mjs'
import { machineNoise, noiseLine } from './lib/machine-noise.mjs'
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
const live = running()
const server = await startBenchServer({}, CHANGE === 'reaction' ? RENAME_PAGES : {})
live.server = server
let target = null // --change=reaction: the message and the reactor
const options = {
  posts: POSTS, gap: GAP, workers: WORKERS ?? undefined, connectConcurrency: CONNECT_CONCURRENCY,
  // a reaction given at its mark's time, and taken back once everyone has it
  ...(CHANGE === 'reaction' && { change: (k) => toggleOn(server, setup, target, k), settle: () => toggle(server, setup, target) }),
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
    // how contended the machine's memory is just before (bench/lib/machine-noise.mjs)
    const row = { N, noise: machineNoise() }
    console.log(`  N=${N}: ${noiseLine(row.noise)}`)
    for (const system of ORDER) row[system] = await fanoutPhase(live, setup, system, N, options)
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
  await live.stop()
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
