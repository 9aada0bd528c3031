// 9. Search: GET /search?q=... (Hearth's results page: FTS5, newest first, 20 a page, words
// marked) against PocketBase's own list of the same records, `filter=body~'word'` (a LIKE over
// the messages table), newest first, 20 a page, no total count. The messages are seeded straight
// into the database (a benchmark-only page runs the INSERTs, so the FTS triggers index them the
// way a post does): 100,000, then 1,000,000, in one public room. Each size is measured for a rare
// word (1 message in 10,000), a common one (1 in 10), two words together, and a word no message
// has. Concurrency 1; the two systems alternate in short rounds so noise hits both alike.
//
// PocketBase's LIKE scan takes seconds a request at 1,000,000 messages, so from there it gets
// --pb-requests (default 8, two a round) instead of --requests: its p50 is plain at eight.
//
//   node bench/search.mjs [--quick] [--sizes=100000,1000000] [--requests=60] [--pb-requests=8]
import {
  args, numList, summary, ratio, startBenchServer, request, writeResult, goal, fmt, LoadSampler, onExit, rssKiB,
} from './lib/common.mjs'
import { setupRoom } from './lib/setup.mjs'
import { SEED_PAGE } from './lib/seed-messages.mjs'

const a = args()
const quick = !!a.quick
const SIZES = numList(a.sizes, quick ? [20000, 100000] : [100000, 1000000])
const REQUESTS = Number(a.requests ?? (quick ? 20 : 60))
const ROUNDS = 4
const PB_REQUESTS_LARGE = Number(a['pb-requests'] ?? 8)
const LARGE = 1000000
const BATCH = 50000
const GOAL_P50_MS = 20
const GOAL_AT = 1000000


const QUERIES = {
  'rare word (1 in 10,000)': 'needle',
  'common word (1 in 10)': 'common',
  'two words': 'common w4321',
  'no match': 'zzzznothing',
}

const load = new LoadSampler()
const server = await startBenchServer({}, { 'bench-seed/index.ejs': SEED_PAGE })
const stop = onExit(() => server.stop())

const results = []
const goals = []
try {
  const setup = await setupRoom(server, { readers: 0 })
  const me = await request(server, 'GET', `/api/collections/users/records?filter=${encodeURIComponent(`username='${setup.poster.visitor.username}'`)}`, {
    headers: { Authorization: `Bearer ${setup.poster.token}` },
  })
  const authorId = JSON.parse(me.body).items[0].id
  const hearth = (q) => ({ path: `/search?q=${encodeURIComponent(q)}`, headers: { Cookie: setup.poster.cookie, Accept: 'text/html' } })
  const pb = (q) => ({
    path: `/api/collections/messages/records?filter=${encodeURIComponent(`body~'${q.split(' ').join("' && body~'")}'`)}&sort=-number&perPage=20&skipTotal=1`,
    headers: { Authorization: `Bearer ${setup.poster.token}`, Accept: 'application/json' },
  })

  let seeded = 0
  for (const size of SIZES) {
    const t0 = performance.now()
    while (seeded < size) {
      const count = Math.min(BATCH, size - seeded)
      const res = await request(server, 'GET', `/bench-seed?from=${seeded}&count=${count}&room=${setup.roomId}&author=${authorId}`, { timeoutMs: 600000 })
      if (res.status !== 200) throw new Error(`seeding: ${res.status} ${res.body.slice(0, 300)}`)
      seeded += count
    }
    const seedSeconds = (performance.now() - t0) / 1000
    console.log(`\n${size.toLocaleString('en')} messages (seeded in ${seedSeconds.toFixed(1)} s, server RSS ${Math.round(rssKiB(server.pid) / 1024)} MiB)`)

    for (const [label, q] of Object.entries(QUERIES)) {
      // both answer what we think, once: the same number of results on the first page
      const page = await request(server, 'GET', hearth(q).path, { headers: hearth(q).headers })
      const list = await request(server, 'GET', pb(q).path, { headers: pb(q).headers, timeoutMs: 120000 })
      const found = (page.body.match(/<li class="result">/g) || []).length
      const listed = JSON.parse(list.body).items.length
      if (page.status !== 200 || list.status !== 200 || found !== listed) {
        throw new Error(`${label}: search ${page.status} with ${found} results, list ${list.status} with ${listed} items`)
      }
      const times = { hearth: [], pb: [] }
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, sys] of [['hearth', hearth(q)], ['pb', pb(q)]]) {
          const requests = name === 'pb' && size >= LARGE ? PB_REQUESTS_LARGE : REQUESTS
          for (let i = 0; i < Math.ceil(requests / ROUNDS); i++) {
            const res = await request(server, 'GET', sys.path, { headers: sys.headers, timeoutMs: 120000 })
            if (res.status !== 200) throw new Error(`${name} ${label}: ${res.status}`)
            times[name].push(res.ms)
          }
        }
      }
      const h = summary(times.hearth)
      const p = summary(times.pb)
      console.log(`  ${label.padEnd(26)} ${found} results   hearth ${fmt(h)}   pb filter ${fmt(p)}   p50 ${ratio(h.p50, p.p50)}x`)
      results.push({ messages: size, query: label, q, results: found, hearth: h, pb: p, p50Ratio: ratio(h.p50, p.p50), p99Ratio: ratio(h.p99, p.p99), seedSeconds })
    }
  }

  const atGoal = results.filter((r) => r.messages === GOAL_AT)
  if (atGoal.length) {
    const worst = Math.max(...atGoal.map((r) => r.hearth.p50))
    goals.push(goal(`search p50 <= ${GOAL_P50_MS} ms at ${GOAL_AT.toLocaleString('en')} messages (every query)`, worst <= GOAL_P50_MS, `worst p50 ${worst} ms`))
  } else {
    goals.push(goal(`search p50 <= ${GOAL_P50_MS} ms at ${GOAL_AT.toLocaleString('en')} messages`, null, 'not measured (--sizes)'))
  }
  const file = writeResult(quick ? 'search-quick' : 'search', { sizes: SIZES, requests: REQUESTS, pbRequestsFromMillion: PB_REQUESTS_LARGE, results, goals, load: load.stop() })
  console.log(`\nwrote ${file}`)
} finally {
  await stop()
}
