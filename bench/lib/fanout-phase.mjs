// The fan-out measurement (bench/fanout.mjs, bench/small-machine.mjs): N subscribers in one public
// room, one poster; for every post, the time from just before the POST to each subscriber having
// the event (the send time travels in the message body, "bench k=<n> t=<ms since epoch>").
import { summary, round, sleep, now, cpuMs, postMessage, fmt, perfRecord } from './common.mjs'
import { SubscriberPool, workersFor } from './pool.mjs'

let K = 0
async function waitClientsGone(server, ms = 20000) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if ((await server.relayStats()).clients === 0) return true
    await sleep(100)
  }
  return false
}

/**
 * fanoutPhase measures one system ('hearth' or 'pb') at N subscribers: connect, warm up, `posts`
 * measured posts `gap` ms apart, disconnect. live is running()'s: its server, and its pool while
 * the phase runs (so a Ctrl-C stops both). Options: posts, gap, workers (reader processes; default
 * by N), connectConcurrency.
 */
export async function fanoutPhase(live, setup, system, N, { posts: POSTS = 20, gap: GAP = 200, workers, connectConcurrency: CONNECT_CONCURRENCY = 12, change = null, settle = async () => {} } = {}) {
  // change(k, label) makes event k happen and returns { sent, res }: a post by default
  const makeChange = change || (async (k, label = '') => {
    const sent = now()
    return { sent, res: await postMessage(live.server, setup.slug, setup.poster.cookie, `bench k=${k} t=${sent.toFixed(3)}${label}`) }
  })
  const server = live.server
  const W = workers ?? workersFor(N)
  const pool = new SubscriberPool(W)
  live.pool = pool
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
    await makeChange(k, ' (warm-up)')
    await pool.waitDone(k, timeout)
    await settle()
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
    const { sent, res } = await makeChange(k)
    sentAt.set(k, sent)
    postMs.push(res.ms)
    if (!(await pool.waitDone(k, timeout))) incomplete++
    await settle()
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
  live.pool = null
  await waitClientsGone(server)
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
