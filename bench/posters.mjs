// 7. Posters: posting throughput and latency as more people post at once. Each poster is a distinct
// signed-in member posting to the same public room through the page's form (POST
// /rooms/<slug>/messages, 303) in a closed loop: it waits for its answer, then posts again. One
// server, every step in one run (posters 1, 5, 10, ... 100 by default), each step after a short
// unmeasured warm-up; the server's RSS is sampled during each step. Optionally with SSE subscribers
// in the room (--subscribers=N; none by default, so the numbers are the posting path alone).
// Posts serialize on SQLite's single writer, so past a few posters throughput should stay flat and
// latency grow with the queue; a step that falls far below the peak is a cliff.
//
//   node bench/posters.mjs [--quick] [--posters=1,5,10,20,30,40,50,75,100] [--seconds=8] [--warmup=2] [--subscribers=0] [--pool=N]
import http from 'node:http'
import { randomBytes } from 'node:crypto'
import {
  args, numList, round, ratio, sleep, cpuMs, rssKiB, startBenchServer, request, summary, writeResult, goal, fmt,
  LoadSampler, running, perfRecord, loadavg,
} from './lib/common.mjs'
import { SubscriberPool, workersFor } from './lib/pool.mjs'
import { setupRoom } from './lib/setup.mjs'
import { signUp, uniqueName } from '../tests/helpers/browserless.mjs'

const a = args()
const quick = !!a.quick
const STEPS = numList(a.posters, quick ? [1, 10, 30, 50, 100] : [1, 5, 10, 20, 30, 40, 50, 75, 100])
const SECONDS = Number(a.seconds ?? (quick ? 4 : 8))
const WARMUP = Number(a.warmup ?? (quick ? 1 : 2))
const SUBSCRIBERS = Number(a.subscribers ?? 0)
// --pool=N: the server's --hooksPool (its default, 64, otherwise)
const POOL = a.pool ? Number(a.pool) : null
const MAX_POSTS_PER_STEP = 100000
// the goals: at 50 and 100 posters, at least 80 % of the best step's posts/s, and POST p99 <= 200 ms
const GOAL_STEPS = [50, 100]
const GOAL_SHARE = 0.8
const GOAL_P99_MS = 200

// one socket per poster (the shared agent allows 64, which would queue posters in Node, not the server)
const posterAgent = new http.Agent({ keepAlive: true, maxSockets: Math.max(...STEPS) + 8 })

const load = new LoadSampler()
const live = running()
let server = null

/** postOnce posts one message through the room's form as cookie; resolves with the POST's ms. */
async function postOnce(slug, cookie, body) {
  const res = await request(server, 'POST', `/rooms/${slug}/messages`, {
    body: new URLSearchParams({ body, nonce: randomBytes(8).toString('hex') }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: server.url, Cookie: cookie },
    agent: posterAgent,
  })
  if (res.status !== 303) throw new Error(`post failed with ${res.status}: ${res.body.slice(0, 200)}`)
  return res.ms
}

/** run has `cookies.length` posters post in a closed loop for ms; returns latencies and counts. */
async function run(slug, cookies, ms, label) {
  const latencies = []
  let errors = 0
  let firstError = null
  let started = 0
  const t0 = performance.now()
  const deadline = t0 + ms
  const poster = async (cookie, p) => {
    while (performance.now() < deadline && started < MAX_POSTS_PER_STEP) {
      started++
      try {
        latencies.push(await postOnce(slug, cookie, `${label} poster ${p} post ${started}`))
      } catch (err) {
        errors++
        firstError ??= err.message
      }
    }
  }
  await Promise.all(cookies.map(poster))
  return { latencies, errors, firstError, elapsedMs: performance.now() - t0 }
}

const results = []
let setupInfo = {}
try {
  server = live.server = await startBenchServer({
    // a different branch adds connection caps; keep them out of the way of this benchmark
    HEARTH_LIMIT_CONNECTIONS_PER_IP: '1000000',
    HEARTH_LIMIT_CONNECTIONS_PER_USER: '1000000',
    HEARTH_LIMIT_CONNECTIONS: '1000000',
  }, {}, POOL ? [`--hooksPool=${POOL}`] : [])
  const rssIdle = rssKiB(server.pid)
  const setup = await setupRoom(server, { readers: SUBSCRIBERS ? 10 : 1 })
  const cookies = [setup.poster.cookie]
  const most = Math.max(...STEPS)
  const t = performance.now()
  while (cookies.length < most) {
    // sign-ups (password hashing) a few at a time
    const batch = await Promise.all(Array.from({ length: Math.min(8, most - cookies.length) }, async () => {
      const v = await signUp(server, uniqueName('poster'))
      const res = await v.post(`/rooms/${setup.slug}/membership`, {})
      if (res.status !== 303) throw new Error(`join failed: ${res.status}`)
      return v.cookieHeader()
    }))
    cookies.push(...batch)
  }
  console.log(`  ${most} posters signed up and joined in ${round((performance.now() - t) / 1000, 1)} s`)
  if (SUBSCRIBERS) {
    const pool = live.pool = new SubscriberPool(workersFor(SUBSCRIBERS))
    await pool.ready()
    const opened = await pool.open({ port: server.port, mode: 'hearth', topic: setup.hearthTopic, accounts: setup.accounts, count: SUBSCRIBERS })
    if (opened.failed) console.log(`  ${opened.failed} subscriber connections failed: ${opened.errors.join('; ')}`)
  }
  const rssBefore = rssKiB(server.pid)
  setupInfo = { rssIdleKiB: rssIdle, rssAfterSetupKiB: rssBefore, subscribers: SUBSCRIBERS }

  for (const n of STEPS) {
    const mine = cookies.slice(0, n)
    await run(setup.slug, mine, WARMUP * 1000, `warm-up ${n}`)
    await sleep(200)
    const loadAt = loadavg()[0]
    let rssMax = rssKiB(server.pid)
    const sampler = setInterval(() => { rssMax = Math.max(rssMax, rssKiB(server.pid)) }, 250)
    const perfStop = perfRecord(server.pid, `posters-${n}`)
    const cpu0 = cpuMs(server.pid)
    const r = await run(setup.slug, mine, SECONDS * 1000, `step ${n}`)
    const cpu = cpuMs(server.pid) - cpu0
    await perfStop()
    clearInterval(sampler)
    const row = {
      posters: n,
      seconds: round(r.elapsedMs / 1000, 2),
      posted: r.latencies.length,
      errors: r.errors,
      firstError: r.firstError,
      postsPerSecond: round((r.latencies.length * 1000) / r.elapsedMs, 1),
      post: summary(r.latencies),
      serverCpuMsPerPost: round(cpu / Math.max(1, r.latencies.length), 2),
      serverCpuShare: round(cpu / r.elapsedMs, 2),
      rssMaxMiB: round(rssMax / 1024, 1),
      load1: loadAt,
    }
    results.push(row)
    console.log(`  posters ${String(n).padStart(3)}: ${String(row.postsPerSecond).padStart(6)} posts/s, POST ${fmt(row.post)}, ${r.errors} errors${r.firstError ? ` (${r.firstError})` : ''}; server CPU ${row.serverCpuMsPerPost} ms/post (${Math.round(row.serverCpuShare * 100)} % of a core), RSS max ${row.rssMaxMiB} MiB, load ${loadAt}`)
    await sleep(500)
  }
  setupInfo.rssEndKiB = rssKiB(server.pid)
} finally {
  await live.stop()
}

const peak = Math.max(...results.map((r) => r.postsPerSecond))
for (const r of results) r.shareOfPeak = ratio(r.postsPerSecond, peak)
const goals = []
for (const n of GOAL_STEPS) {
  const r = results.find((x) => x.posters === n)
  if (!r) continue
  goals.push(goal(`${n} posters: posts/s >= ${GOAL_SHARE * 100} % of the peak`, r.shareOfPeak >= GOAL_SHARE, `${r.postsPerSecond} of ${peak} posts/s, ${round(r.shareOfPeak * 100, 1)} %`))
  goals.push(goal(`${n} posters: POST p99 <= ${GOAL_P99_MS} ms`, r.post.p99 <= GOAL_P99_MS, `${r.post.p99} ms`))
}
// experiments (another pool or gate size) never stand for the default's numbers
const gateEnv = process.env.HEARTH_PAGE_CONCURRENCY
const postsEnv = process.env.HEARTH_POST_CONCURRENCY
const file = writeResult(`posters${POOL ? `-pool${POOL}` : ''}${gateEnv !== undefined ? `-gate${gateEnv}` : ''}${postsEnv !== undefined ? `-posts${postsEnv}` : ''}`, {
  params: { steps: STEPS, seconds: SECONDS, warmup: WARMUP, subscribers: SUBSCRIBERS, pool: POOL, pageConcurrency: gateEnv ?? null, postConcurrency: postsEnv ?? null, quick },
  load: load.stop(),
  server: setupInfo,
  peakPostsPerSecond: peak,
  results,
  goals,
})
console.log(`  written to ${file}`)
