// The POST alone, nobody listening, to find what makes single posts slow: 300 posts 100 ms apart
// on a server started with GODEBUG=gctrace=1. Prints the percentiles, every post over --slow ms
// with its time since the server was healthy, and Go's collections on the same clock, so a slow
// post can be matched to a collection (or to nothing: SQLite's checkpoints came every 78th post),
// and the server's CPU per post (with --gap=2, close to the post's own).
// Not part of `make bench`'s goals.
//
//   node bench/post-alone.mjs [--posts=300] [--gap=100] [--slow=8]
import { args, startBenchServer, postMessage, sleep, summary, fmt, now, onExit, cpuMs } from './lib/common.mjs'
import { setupRoom } from './lib/setup.mjs'

const a = args()
const POSTS = Number(a.posts ?? 300)
const GAP = Number(a.gap ?? 100)
const SLOW = Number(a.slow ?? 8)

const server = await startBenchServer({ GODEBUG: 'gctrace=1' })
const stop = onExit(() => server.stop())
const healthy = performance.now()
try {
  const setup = await setupRoom(server, { readers: 1 })
  const posts = []
  const cpu0 = cpuMs(server.pid)
  for (let i = 0; i < POSTS; i++) {
    const at = (performance.now() - healthy) / 1000
    const res = await postMessage(server, setup.slug, setup.poster.cookie, `alone k=${i} t=${now().toFixed(3)}`)
    posts.push({ i, at, ms: res.ms })
    await sleep(GAP)
  }
  console.log(`POST alone: ${fmt(summary(posts.map((p) => p.ms)))}; server CPU ${((cpuMs(server.pid) - cpu0) / POSTS).toFixed(2)} ms per post (idle time between posts included)`)
  for (const p of posts.filter((p) => p.ms > SLOW)) console.log(`  slow: post ${p.i} at ${p.at.toFixed(2)} s took ${p.ms.toFixed(2)} ms`)
  // gctrace's @ is seconds since the process started, a few hundred ms before it was healthy
  const gcs = server.logs().split('\n').filter((l) => /^gc \d+ @/.test(l))
  console.log(`Go collections (${gcs.length}; the clock is the process's, slightly ahead):`)
  for (const l of gcs) console.log(`  ${l.split(',')[0]}, ${/(\d+->\d+->\d+ MB)/.exec(l)?.[1] ?? ''}`)
} finally {
  await stop()
}
