// 10. Room list: GET /rooms (a member of 50 rooms, each with new messages waiting, so every room
// shows its unread count) against PocketBase's JSON list of the same 50 rooms read with a Bearer
// token (what a client-rendered app would fetch instead), at concurrency 1 and 32.
//
//   node bench/room-list.mjs [--quick] [--seconds=8] [--concurrency=1,32] [--rooms=50]
import { args, numList, startBenchServer, request, writeResult, goal, fmt, LoadSampler, onExit, postMessage } from './lib/common.mjs'
import { compare } from './lib/compare.mjs'
import { signUp, createRoom, apiToken, uniqueName } from '../tests/helpers/browserless.mjs'

const a = args()
const quick = !!a.quick
const SECONDS = Number(a.seconds ?? (quick ? 3 : 8))
const CONCURRENCY = numList(a.concurrency, [1, 32])
const ROOMS = Number(a.rooms ?? 50)
const GOAL_RATIO = 2

const load = new LoadSampler()
const server = await startBenchServer()
const stop = onExit(() => server.stop())
const results = []
const goals = []
try {
  // the reader is in ROOMS private rooms (and the lobby); someone else posts in each after they joined
  const [reader, writer] = [await signUp(server, uniqueName('reader')), await signUp(server, uniqueName('writer'))]
  for (let i = 0; i < ROOMS; i++) {
    const slug = await createRoom(writer, { name: `room ${i} ${uniqueName('r')}`, kind: 'private' })
    const added = await writer.post(`/rooms/${slug}/members`, { username: reader.username })
    if (added.status !== 303) throw new Error(`adding the reader: ${added.status}`)
    for (let j = 0; j <= i % 5; j++) await postMessage(server, slug, writer.cookieHeader(), `news ${j} for @${reader.username}`)
  }
  const token = await apiToken(server, reader.username)
  const systems = {
    hearth: { path: '/rooms', headers: { Cookie: reader.cookieHeader(), Accept: 'text/html' } },
    pb: { path: `/api/collections/rooms/records?perPage=${ROOMS + 10}&sort=name`, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } },
  }
  const page = await request(server, 'GET', systems.hearth.path, { headers: systems.hearth.headers })
  const list = await request(server, 'GET', systems.pb.path, { headers: systems.pb.headers })
  const counted = (page.body.match(/<span class="unread" [^>]*data-count="[1-9]/g) || []).length
  const listed = JSON.parse(list.body).items.length
  if (page.status !== 200 || counted !== ROOMS || list.status !== 200 || listed < ROOMS) {
    throw new Error(`setup: page ${page.status} with ${counted} rooms counted, list ${list.status} with ${listed} rooms`)
  }
  console.log(`room list ${page.bytes.length} bytes of HTML (${ROOMS} rooms with unread counts); JSON list ${list.bytes.length} bytes`)
  for (const concurrency of CONCURRENCY) {
    const row = await compare(server, systems, { concurrency, seconds: SECONDS })
    console.log(`  concurrency ${concurrency}: Hearth ${fmt(row.hearth.latency)}   JSON ${fmt(row.pb.latency)}   p50 ${row.ratio.p50}x  p99 ${row.ratio.p99}x`)
    results.push(row)
  }
  for (const row of results) {
    goals.push(goal(`room list with ${ROOMS} rooms and unread counts p50 <= ${GOAL_RATIO}x JSON list at concurrency ${row.concurrency}`, row.ratio.p50 <= GOAL_RATIO, `${row.ratio.p50}x`))
  }
  const file = writeResult(quick ? 'room-list-quick' : 'room-list', { params: { seconds: SECONDS, concurrency: CONCURRENCY, rooms: ROOMS }, load: load.stop(), results, goals })
  console.log(`wrote ${file}`)
} finally {
  await stop()
}
