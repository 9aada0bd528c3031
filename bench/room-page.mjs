// 2. Room page: GET /rooms/<slug> (a member's view of a room with 50 messages, the server-rendered
// page) at concurrency 1 and 32, against PocketBase's JSON list of the same 50 messages with the
// author expanded, read with a Bearer token (what a client-rendered app would fetch instead).
// A bounded closed loop over keep-alive connections; the two alternate in short rounds so
// background noise hits both alike. --reactions: every one of the 50 messages has reactions
// (3 people, 2 emoji each), and the result goes to room-page-reactions.json.
//
//   node bench/room-page.mjs [--quick] [--seconds=8] [--concurrency=1,32] [--gogc=100] [--reactions]
import { args, numList, startBenchServer, request, writeResult, goal, fmt, LoadSampler, onExit, perfRecord } from './lib/common.mjs'
import { setupRoom, fill, reactToAll } from './lib/setup.mjs'
import { compare } from './lib/compare.mjs'

const a = args()
const quick = !!a.quick
const SECONDS = Number(a.seconds ?? (quick ? 3 : 8))
const CONCURRENCY = numList(a.concurrency, [1, 32])
const ROUNDS = 2

const load = new LoadSampler()
// --gogc=N runs the server with GOGC=N (an experiment: how much of the page's cost is the GC)
const server = await startBenchServer(a.gogc ? { GOGC: String(a.gogc) } : {})
const stop = onExit(() => server.stop())

const results = []
const goals = []
try {
  const setup = await setupRoom(server, { readers: 0 })
  await fill(server, setup, 50)
  if (a.reactions) await reactToAll(server, setup, { people: 3, emoji: ['👍', '🎉'] })
  const pagePath = `/rooms/${setup.slug}`
  const apiPath = `/api/collections/messages/records?filter=${encodeURIComponent(`(room='${setup.roomId}')`)}&sort=-number&perPage=50&expand=author`
  const systems = {
    hearth: { path: pagePath, headers: { Cookie: setup.poster.cookie, Accept: 'text/html' } },
    pb: { path: apiPath, headers: { Authorization: `Bearer ${setup.poster.token}`, Accept: 'application/json' } },
  }
  // check both answer what we think, once
  const page = await request(server, 'GET', pagePath, { headers: systems.hearth.headers })
  const list = await request(server, 'GET', apiPath, { headers: systems.pb.headers })
  const shown = (page.body.match(/<li class="message" id="message-/g) || []).length
  const listed = JSON.parse(list.body).items.length
  if (page.status !== 200 || shown !== 50 || list.status !== 200 || listed !== 50) {
    throw new Error(`setup: page ${page.status} with ${shown} messages, list ${list.status} with ${listed} items`)
  }
  console.log(`room page ${page.bytes.length} bytes of HTML (50 messages); JSON list ${list.bytes.length} bytes`)

  for (const c of CONCURRENCY) {
    const row = await compare(server, systems, {
      concurrency: c, seconds: SECONDS, rounds: ROUNDS,
      record: (sys, r) => perfRecord(server.pid, `room-${sys}-c${c}-r${r}`),
    })
    console.log(`  concurrency ${c}: Hearth page  ${fmt(row.hearth.latency)}  ${row.hearth.requestsPerSecond} req/s  ${row.hearth.serverCpuMsPerRequest} ms server CPU/req`)
    console.log(`  concurrency ${c}: JSON list    ${fmt(row.pb.latency)}  ${row.pb.requestsPerSecond} req/s  ${row.pb.serverCpuMsPerRequest} ms server CPU/req`)
    console.log(`  concurrency ${c}: Hearth/JSON  p50 ${row.ratio.p50}x  p99 ${row.ratio.p99}x  req/s ${row.ratio.requestsPerSecond}x`)
    results.push(row)
  }
  const at32 = results.find((r) => r.concurrency === 32)
  if (at32) goals.push(goal('room page p50 <= 2x JSON list at concurrency 32', at32.ratio.p50 <= 2, `${at32.ratio.p50}x: ${at32.hearth.latency.p50} vs ${at32.pb.latency.p50} ms`))
  const file = writeResult(a.gogc ? `room-page-gogc${a.gogc}` : a.reactions ? 'room-page-reactions' : 'room-page', {
    params: { gogc: a.gogc ?? null, reactions: !!a.reactions, seconds: SECONDS, concurrency: CONCURRENCY, rounds: ROUNDS, quick, pageBytes: page.bytes.length, jsonBytes: list.bytes.length },
    load: load.stop(),
    results,
    goals,
  })
  console.log(`wrote ${file}`)
} finally {
  await stop()
}
