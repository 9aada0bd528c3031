// 3. Capacity: idle subscribers held at 1k, 5k and 10k. Server memory (VmRSS of the pocketbase
// process) per subscriber = (RSS now - RSS before any subscriber) / N, and whether every one of
// them still receives a broadcast. Subscribers are added in steps on one server. Baseline: the
// same on a fresh server with PocketBase's own record realtime subscribers (token, messages/*).
// A third, diagnostic run ("hearth-api") follows Hearth's room topic but subscribes through
// PocketBase's own POST /api/realtime with a token, without running any JS: the difference from
// "hearth" is what Hearth's subscribe route (JS) costs per subscriber.
//
//   node bench/capacity.mjs [--n=1000,5000,10000] [--quick] [--hold=5] [--systems=hearth,pb,hearth-api] [--gogc=100]
import {
  args, numList, round, ratio, sleep, now, rssKiB, threadsOf, startBenchServer, postMessage, writeResult, goal,
  LoadSampler, onExit,
} from './lib/common.mjs'
import { SubscriberPool, workersFor } from './lib/pool.mjs'
import { setupRoom } from './lib/setup.mjs'

const a = args()
const quick = !!a.quick
const LEVELS = numList(a.n, quick ? [1000, 2000] : [1000, 5000, 10000])
const HOLD = Number(a.hold ?? (quick ? 2 : 5)) * 1000
const SYSTEMS = String(a.systems ?? 'hearth,pb,hearth-api').split(',')

const load = new LoadSampler()
let server = null
let pool = null
const stop = onExit(async () => {
  await pool?.shutdown()
  await server?.stop()
})

/** settled RSS: the lowest of a few readings over a second (Go frees lazily) */
async function settledRss(pid) {
  let min = Infinity
  for (let i = 0; i < 5; i++) {
    min = Math.min(min, rssKiB(pid))
    await sleep(250)
  }
  return min
}

/** the Go runtime's own view (GODEBUG=gctrace=1): live heap after the last GC, heap goal, stacks */
function lastGc(logs) {
  const lines = logs.split('\n').filter((l) => l.startsWith('gc '))
  const m = /(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (\d+) MB stacks/.exec(lines.at(-1) || '')
  return m ? { liveMB: Number(m[3]), goalMB: Number(m[4]), stacksMB: Number(m[5]), cycles: lines.length } : null
}

async function measure(system) {
  server = await startBenchServer({ GODEBUG: 'gctrace=1', ...(a.gogc ? { GOGC: String(a.gogc) } : {}) })
  const setup = await setupRoom(server, { readers: 20 })
  // one message through the room first, so the base includes warmed-up VMs and caches
  await postMessage(server, setup.slug, setup.poster.cookie, 'warm-up')
  await sleep(1000)
  const base = await settledRss(server.pid)
  const baseGc = lastGc(server.logs())
  pool = new SubscriberPool(workersFor(Math.max(...LEVELS)))
  await pool.ready()
  const rows = []
  let k = 0
  let have = 0
  for (const N of LEVELS) {
    const opened = await pool.open({
      port: server.port, mode: system, topic: system === 'pb' ? setup.pbTopic : setup.hearthTopic,
      accounts: setup.accounts, count: N - have,
    })
    have = N
    await sleep(HOLD) // held idle
    const rss = await settledRss(server.pid)
    const gc = lastGc(server.logs())
    const threads = threadsOf(server.pid)
    // does every one of them still get a broadcast?
    await pool.reset({ exact: true, seqCheck: false })
    k++
    await postMessage(server, setup.slug, setup.poster.cookie, `bench k=${k} t=${now().toFixed(3)}`)
    const complete = await pool.waitDone(k, Math.max(15000, N * 5))
    const c = await pool.collect()
    const received = c.lat.get(k)?.length ?? 0
    const status = await pool.status()
    const alive = status.reduce((s, w) => s + w.subscribed, 0)
    const row = {
      N,
      connected: alive,
      failedConnections: opened.failed,
      rssKiB: rss,
      baseRssKiB: base,
      kibPerSubscriber: round((rss - base) / N, 2),
      threads,
      goHeap: gc,
      liveHeapKiBPerSubscriber: gc && baseGc ? round(((gc.liveMB - baseGc.liveMB) * 1024) / N, 1) : null,
      stacksKiBPerSubscriber: gc && baseGc ? round(((gc.stacksMB - baseGc.stacksMB) * 1024) / N, 1) : null,
      broadcastReceived: received,
      everyoneReceived: complete && received === N,
      broadcastLastMs: round(Math.max(...(c.lat.get(k) ?? [NaN]))),
    }
    console.log(`  ${system.padEnd(6)} N=${N}: RSS ${round(rss / 1024, 1)} MiB (base ${round(base / 1024, 1)} MiB) = ${row.kibPerSubscriber} KiB per subscriber (Go live heap ${row.liveHeapKiBPerSubscriber} KiB + stacks ${row.stacksKiBPerSubscriber} KiB per subscriber; heap goal ${gc?.goalMB} MB), ${threads} threads; broadcast reached ${received}/${N}${row.everyoneReceived ? '' : ' (NOT everyone)'} in ${row.broadcastLastMs} ms`)
    rows.push(row)
  }
  await pool.shutdown()
  pool = null
  await server.stop()
  server = null
  return rows
}

const out = {}
try {
  for (const system of SYSTEMS) out[system] = await measure(system)
} finally {
  await stop()
}
const results = LEVELS.map((N, i) => ({
  N,
  hearth: out.hearth?.[i],
  pb: out.pb?.[i],
  hearthApi: out['hearth-api']?.[i],
  ratio: out.hearth && out.pb ? ratio(out.hearth[i].kibPerSubscriber, out.pb[i].kibPerSubscriber) : NaN,
}))
console.log('\nServer memory per idle subscriber (KiB, RSS delta / N)')
for (const r of results) console.log(`  N=${String(r.N).padEnd(6)} Hearth ${r.hearth?.kibPerSubscriber}  PocketBase ${r.pb?.kibPerSubscriber}  ratio ${r.ratio}x  (Hearth topic via PocketBase's subscribe: ${r.hearthApi?.kibPerSubscriber})  everyone received: Hearth ${r.hearth?.everyoneReceived} PocketBase ${r.pb?.everyoneReceived}`)
const goals = []
const at10k = results.find((r) => r.N === 10000)
if (at10k?.hearth) goals.push(goal('<= 35 KB RSS per idle subscriber at 10,000', at10k.hearth.kibPerSubscriber <= 35 && at10k.hearth.everyoneReceived, `${at10k.hearth.kibPerSubscriber} KiB, everyone received: ${at10k.hearth.everyoneReceived}`))
for (const r of results) if (r.hearth) goals.push(goal(`every idle subscriber receives a broadcast at N=${r.N}`, r.hearth.everyoneReceived, `${r.hearth.broadcastReceived}/${r.N}`))
const file = writeResult(a.gogc ? `capacity-gogc${a.gogc}` : 'capacity', { params: { levels: LEVELS, holdMs: HOLD, quick, gogc: a.gogc ?? null }, load: load.stop(), results, goals })
console.log(`wrote ${file}`)
