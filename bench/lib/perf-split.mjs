// Splits a `perf record -g` profile of the server into where the time went (leaf-to-root stacks
// matched against known frames, first match wins).
//   node bench/lib/perf-split.mjs <perf.data> [...]
// Needs perf and an unstripped server build (HEARTH_BENCH_PB, see BENCHMARKS.md).
import { execFileSync } from 'node:child_process'

const CATEGORIES = [
  ['GC (Go garbage collector)', /runtime\.(gcBgMarkWorker|gcDrain|gcAssist|mallocgc|scanobject|markroot|bgsweep|sweepone|gcStart)/],
  ['PocketBase record realtime broadcast (scans every client; access-rule SQL per subscriber)', /apis\.realtimeBroadcastRecord|apis\.realtimeCanAccessRecord/],
  ['SSE write per connection (kernel TCP incl.)', /apis\.realtimeConnect|relay\.writeNonBlocking|relay\.\(\*rawSink\)\.write|relay\.\(\*responseSink\)\.write/],
  ['Hearth relay (Publish, fan-out, queues, connection loops)', /hearth\/server\/relay/],
  ['SQLite', /modernc\.org\/sqlite|database\/sql/],
  ['goja JS (pages, hooks, templates)', /github\.com\/dop251\/goja/],
  ['HTTP serving (parse, routing, other handlers)', /net\/http\.|tools\/router/],
  ['Go scheduler / idle / timers', /runtime\.(schedule|findRunnable|mcall|park_m|sysmon|mstart|notesleep|futex|usleep|netpoll|stopm|startm)/],
]

export function split(file) {
  const text = execFileSync('perf', ['script', '-i', file, '-F', 'ip,sym'], { maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  const counts = new Map()
  let total = 0
  for (const block of text.split(/\n\s*\n/)) {
    if (!block.trim()) continue
    total++
    const cat = CATEGORIES.find(([, re]) => re.test(block))?.[0] ?? 'other'
    counts.set(cat, (counts.get(cat) || 0) + 1)
  }
  return { total, shares: [...counts].sort((a, b) => b[1] - a[1]).map(([cat, n]) => ({ cat, samples: n, pct: Math.round((1000 * n) / total) / 10 })) }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) {
    const { total, shares } = split(file)
    console.log(`${file}: ${total} samples (~${total} ms of CPU at 999 Hz)`)
    for (const s of shares) console.log(`  ${String(s.pct).padStart(5)} %  ${s.cat}`)
  }
}
