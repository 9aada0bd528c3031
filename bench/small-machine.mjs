// Small machines: Hearth under a 512 MB memory limit beside the default (no limit). For each: the
// resident memory (RSS) of an idle server after light use (people signing up, posting, opening a
// room) and after the fan-out, its peak during the fan-out, and the fan-out latency at 1,000
// subscribers (bench/lib/fanout-phase.mjs, as bench/fanout.mjs measures it). The server finds
// the limit itself (src/server/memlimit) and sizes its heap floor and JS pool from it; its start
// line says what it chose.
//
//   node bench/small-machine.mjs [--limits=0,512] [--n=1000] [--posts=20] [--gap=200] [--idle=25]
import {
  args, numList, sleep, startBenchServer, writeResult, goal, fmt, rssKiB, LoadSampler, running, round,
} from './lib/common.mjs'
import { fanoutPhase } from './lib/fanout-phase.mjs'
import { lightUse } from './lib/light-use.mjs'
import { machineNoise, noiseLine } from './lib/machine-noise.mjs'
import { memoryCgroup } from './lib/cgroup.mjs'
import { PB } from '../tests/helpers/server.mjs'

const a = args()
const LIMITS = numList(a.limits, [0, 512])
const N = Number(a.n ?? 1000)
const POSTS = Number(a.posts ?? 20)
const GAP = Number(a.gap ?? 200)
// the server gives its free heap back after 10 to 20 s without work (src/server/heapfloor/idle.go)
const IDLE_S = Number(a.idle ?? 25)

const load = new LoadSampler()
const mib = (kib) => round(kib / 1024, 1)

/** idleRss waits IDLE_S seconds without work and reads the server's RSS in MiB. */
async function idleRss(server) {
  await sleep(IDLE_S * 1000)
  return mib(rssKiB(server.pid))
}

async function measure(limitMB) {
  const label = limitMB ? `${limitMB} MB` : 'default'
  const cgroup = limitMB ? memoryCgroup(PB, limitMB) : null
  const live = running()
  try {
    live.server = await startBenchServer({}, {}, [], { bin: cgroup?.bin })
    const server = live.server
    const chose = /Hearth .*: may use .*/.exec(server.logs())?.[0] ?? '(no start line)'
    console.log(`  ${label}: ${cgroup ? cgroup.how : 'no limit'}\n  ${chose}`)
    const started = mib(rssKiB(server.pid))
    const setup = await lightUse(server)
    const idle = await idleRss(server)
    console.log(`  ${label}: RSS ${started} MiB at start, ${idle} MiB idle after light use`)
    const noise = machineNoise()
    console.log(`  ${label}: ${noiseLine(noise)}`)
    let peak = 0
    const sampler = setInterval(() => { peak = Math.max(peak, rssKiB(server.pid)) }, 100)
    let fanout
    try {
      fanout = await fanoutPhase(live, setup, 'hearth', N, { posts: POSTS, gap: GAP })
    } finally {
      clearInterval(sampler)
    }
    const idleAfter = await idleRss(server)
    console.log(`  ${label}: fan-out at ${N}: ${fmt(fanout.latency)}, missing ${fanout.missing}; RSS peak ${mib(peak)} MiB, idle after ${idleAfter} MiB`)
    return { limitMB, label, cgroup: cgroup?.how ?? null, chose, rssMiB: { start: started, idle, fanoutPeak: mib(peak), idleAfterFanout: idleAfter }, noise, fanout }
  } finally {
    await live.stop()
    cgroup?.close()
  }
}

const results = []
for (const limit of LIMITS) results.push(await measure(limit))

console.log('\nSmall machines (RSS in MiB; fan-out latency in ms)')
console.log('  limit     | idle  peak  idle after | fan-out p50   p99   max  missing')
for (const r of results) {
  console.log(`  ${r.label.padEnd(9)} | ${String(r.rssMiB.idle).padStart(4)} ${String(r.rssMiB.fanoutPeak).padStart(5)} ${String(r.rssMiB.idleAfterFanout).padStart(6)}     | ${String(r.fanout.latency.p50).padStart(10)} ${String(r.fanout.latency.p99).padStart(5)} ${String(r.fanout.latency.max).padStart(5)} ${String(r.fanout.missing).padStart(8)}`)
}
const goals = []
const small = results.find((r) => r.limitMB === 512)
if (small) {
  goals.push(goal('idle RSS <= 64 MB under a 512 MB limit', small.rssMiB.idle <= 64, `${small.rssMiB.idle} MiB idle after light use, ${small.rssMiB.idleAfterFanout} MiB after the fan-out`))
  goals.push(goal(`fan-out p99 <= 25 ms at ${N} subscribers under a 512 MB limit`, small.fanout.latency.p99 <= 25 && small.fanout.missing === 0, `p99 ${small.fanout.latency.p99} ms, missing ${small.fanout.missing}`))
}
const file = writeResult('small-machine', { params: { limits: LIMITS, n: N, posts: POSTS, gapMs: GAP, idleSeconds: IDLE_S }, load: load.stop(), results, goals })
console.log(`wrote ${file}`)
