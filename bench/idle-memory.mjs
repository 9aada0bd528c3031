// What an idle server's memory is made of, for finding what to cut (BENCHMARKS.md, "Small
// machines"); not a goal of its own. At start and after light use (bench/lib/light-use.mjs), each
// after --idle seconds without work (the server gives its free heap back after 10 to 20 s): the
// resident memory split into the executable's own pages (RssFile) and the rest (RssAnon), Go's
// heap (live, in spans in use, given back) from HEARTH_PPROF's /debug/pprof/heap, and the largest
// mappings. Under a memory limit like bench/small-machine.mjs (--limit=512; 0: none).
//
//   node bench/idle-memory.mjs [--limit=512] [--idle=25] [--maps=8]
import { readFileSync } from 'node:fs'
import { args, sleep, startBenchServer, running, round } from './lib/common.mjs'
import { lightUse } from './lib/light-use.mjs'
import { memoryCgroup } from './lib/cgroup.mjs'
import { PB, freePort } from '../tests/helpers/server.mjs'

const a = args()
const LIMIT = Number(a.limit ?? 512)
const IDLE_S = Number(a.idle ?? 25)
const MAPS = Number(a.maps ?? 8)
const mib = (bytes) => round(bytes / (1 << 20), 1)

/** status is the process's resident memory in bytes, from /proc/<pid>/status. */
function status(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0) * 1024
  return { rss: kib('VmRSS'), anon: kib('RssAnon'), file: kib('RssFile') }
}

/** heap is Go's MemStats, as the heap profile's debug text gives them. */
async function heap(pprof) {
  const text = await (await fetch(`http://${pprof}/debug/pprof/heap?debug=1`)).text()
  const stat = (name) => Number(new RegExp(`# ${name} = (\\d+)`).exec(text)?.[1] ?? 0)
  return { live: stat('HeapAlloc'), inUse: stat('HeapInuse'), released: stat('HeapReleased'), gcSys: stat('GCSys'), stacks: Number(/# Stack = (\d+)/.exec(text)?.[1] ?? 0) }
}

/** largest is the mappings with the most resident memory, from /proc/<pid>/smaps. */
function largest(pid) {
  return readFileSync(`/proc/${pid}/smaps`, 'utf8').split(/\n(?=[0-9a-f]+-[0-9a-f]+ )/).map((block) => {
    const [range, perms, , , , ...path] = block.split('\n')[0].split(/\s+/)
    const kib = (name) => Number(new RegExp(`\\n${name}:\\s+(\\d+) kB`).exec(block)?.[1] ?? 0) * 1024
    return { range, perms, path: path.join(' ') || '[anonymous]', rss: kib('Rss') }
  }).sort((x, y) => y.rss - x.rss).slice(0, MAPS)
}

async function report(label, server, pprof) {
  await sleep(IDLE_S * 1000)
  const s = status(server.pid)
  const h = await heap(pprof)
  console.log(`\n${label}: RSS ${mib(s.rss)} MiB = ${mib(s.file)} the executable's pages (RssFile) + ${mib(s.anon)} the rest (RssAnon)`)
  console.log(`  Go heap: ${mib(h.live)} MiB live in ${mib(h.inUse)} MiB of spans in use (${mib(h.inUse - h.live)} MiB of it free space the spans keep), ${mib(h.released)} MiB given back; GC metadata ${mib(h.gcSys)}, stacks ${mib(h.stacks)}`)
  for (const m of largest(server.pid)) console.log(`  ${String(mib(m.rss)).padStart(6)} MiB  ${m.perms}  ${m.path}`)
  return { status: s, heap: h }
}

const cgroup = LIMIT ? memoryCgroup(PB, LIMIT) : null
const live = running()
try {
  const pprof = `127.0.0.1:${await freePort()}`
  live.server = await startBenchServer({ HEARTH_PPROF: pprof }, {}, [], { bin: cgroup?.bin })
  console.log(/Hearth .*: may use .*/.exec(live.server.logs())?.[0] ?? '(no start line)')
  await report('at start', live.server, pprof)
  await lightUse(live.server)
  await report('after light use', live.server, pprof)
} finally {
  await live.stop()
  cgroup?.close()
}
