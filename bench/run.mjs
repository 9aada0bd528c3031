// `make bench`: runs every benchmark one after the other (each starts and stops its own server),
// then draws bench/results/chart.svg and prints a summary with every goal's PASS/FAIL line.
//
//   node bench/run.mjs [--quick] [--only=fanout,room-page,capacity,throughput,slow-subscriber,posters,page-weight]
//
// Each benchmark runs as `bash -c 'ulimit -n <hard limit>; node bench/<name>.mjs'`: thousands of
// SSE connections need more file descriptors than the usual soft limit, Node cannot raise its own,
// and the server (a child of the benchmark) inherits the raised limit.
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { args, machine, loadavg, RESULTS, ROOT, round } from './lib/common.mjs'
import { chartSvg } from './lib/chart.mjs'

const a = args()
const quick = !!a.quick
const ALL = ['fanout', 'room-page', 'capacity', 'throughput', 'slow-subscriber', 'posters', 'page-weight']
const only = a.only ? String(a.only).split(',') : ALL
const LIMIT_MS = 9 * 60 * 1000 // per benchmark, a hard stop

let current = null
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    // the benchmark runs in its own process group: pass the signal on, so it stops its server
    if (current) try { process.kill(-current.pid, 'SIGTERM') } catch { /* gone */ }
    process.exit(130)
  })
}

function run(name) {
  return new Promise((resolve) => {
    const started = Date.now()
    const extra = quick ? ' --quick' : ''
    const child = spawn('bash', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec node bench/${name}.mjs${extra}`], { cwd: ROOT, stdio: 'inherit', detached: true })
    current = child
    const timer = setTimeout(() => {
      console.log(`\n${name}: over ${LIMIT_MS / 60000} minutes, stopping it`)
      try { process.kill(-child.pid, 'SIGTERM') } catch { /* gone */ }
      setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL') } catch { /* gone */ } }, 10000).unref()
    }, LIMIT_MS)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      current = null
      resolve({ name, code, signal, seconds: round((Date.now() - started) / 1000, 1) })
    })
  })
}

const m = machine()
console.log(`Hearth benchmarks${quick ? ' (quick)' : ''}: ${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB} GiB, node ${m.node}, fd limit ${m.fdLimit?.soft}/${m.fdLimit?.hard}, load ${loadavg().join(' ')}`)
const startedAt = new Date().toISOString()
const runs = []
for (const name of only) {
  if (!ALL.includes(name)) throw new Error(`unknown benchmark ${name}; known: ${ALL.join(', ')}`)
  console.log(`\n=== ${name} ===`)
  runs.push(await run(name))
}

// every results file there is (fresh ones from this run, older ones for benchmarks not run now)
mkdirSync(RESULTS, { recursive: true })
const results = {}
for (const name of ALL) {
  const file = join(RESULTS, `${name}.json`)
  if (existsSync(file)) results[name] = JSON.parse(readFileSync(file, 'utf8'))
}
writeFileSync(join(RESULTS, 'chart.svg'), chartSvg(results))

console.log('\n=== summary ===')
for (const r of runs) {
  const res = results[r.name]
  const fresh = res && res.at >= startedAt
  console.log(`${r.name.padEnd(16)} ${r.code === 0 ? 'ok    ' : `FAILED (exit ${r.code ?? r.signal})`} ${String(r.seconds).padStart(6)} s${fresh ? '' : '  (no fresh results)'}`)
}
const f = results.fanout?.results || []
for (const row of f.filter((x) => x.hearth && x.pb)) {
  console.log(`fan-out N=${String(row.N).padEnd(6)} Hearth p50 ${row.hearth.latency.p50} / p99 ${row.hearth.latency.p99} / max ${row.hearth.latency.max} / last ${row.hearth.lastSubscriber.p50} ms;  PocketBase p50 ${row.pb.latency.p50} / p99 ${row.pb.latency.p99} ms;  ratio p50 ${row.ratio.p50}x p99 ${row.ratio.p99}x`)
}
for (const row of results['room-page']?.results || []) {
  console.log(`room page c=${String(row.concurrency).padEnd(3)} Hearth p50 ${row.hearth.latency.p50} p99 ${row.hearth.latency.p99} ms ${row.hearth.requestsPerSecond} req/s;  JSON p50 ${row.pb.latency.p50} p99 ${row.pb.latency.p99} ms ${row.pb.requestsPerSecond} req/s;  ratio p50 ${row.ratio.p50}x`)
}
for (const row of results.capacity?.results || []) {
  console.log(`capacity N=${String(row.N).padEnd(6)} Hearth ${row.hearth?.kibPerSubscriber} KiB/subscriber (everyone got the broadcast: ${row.hearth?.everyoneReceived});  PocketBase ${row.pb?.kibPerSubscriber} KiB;  ratio ${row.ratio}x`)
}
const tp = results.throughput?.result
if (tp?.hearth) console.log(`throughput: Hearth ${tp.hearth.postsPerSecond} posts/s to ${tp.hearth.subscribers} subscribers, delivery p50 ${tp.hearth.latency.p50} p99 ${tp.hearth.latency.p99} ms, once and in order: ${tp.hearth.exactlyOnceInOrder};  PocketBase ${tp.pb?.postsPerSecond} posts/s (out of order ${tp.pb?.outOfOrder})`)
const sl = results['slow-subscriber']?.result
if (sl) console.log(`slow subscriber: healthy p99 with ${sl.with.latency.p99} ms, without ${sl.without.latency.p99} ms (${sl.ratio.p99}x; median per-post p99 ${sl.ratio.medianPostP99}x)`)
for (const row of results.posters?.results || []) {
  console.log(`posters ${String(row.posters).padEnd(4)} ${row.postsPerSecond} posts/s (${Math.round(row.shareOfPeak * 100)} % of the peak), POST p50 ${row.post.p50} p99 ${row.post.p99} ms, server CPU ${row.serverCpuMsPerPost} ms/post, RSS max ${row.rssMaxMiB} MiB`)
}
const pw = results['page-weight']?.result
if (pw) console.log(`page weight: JS ${round(pw.js.gzip6 / 1024, 1)} KB gzip (${round(pw.js.bytes / 1024, 1)} KB raw, sent ${round(pw.js.sent / 1024, 1)} KB), CSS ${round(pw.css.gzip6 / 1024, 1)} KB gzip`)

console.log('\ngoals')
let failed = 0
for (const name of ALL) {
  for (const g of results[name]?.goals || []) {
    if (g.pass === false) failed++
    console.log(`${g.pass === null ? 'N/A ' : g.pass ? 'PASS' : 'FAIL'}  ${g.goal}${g.detail ? `  (${g.detail})` : ''}${results[name].at < startedAt ? '  [earlier run]' : ''}`)
  }
}
console.log(`\nchart: bench/results/chart.svg; ${failed} goal(s) missed; load now ${loadavg().join(' ')}`)
// the goals are reported, not enforced: a missed goal is a finding, not a broken build
process.exitCode = runs.some((r) => r.code !== 0) ? 1 : 0
