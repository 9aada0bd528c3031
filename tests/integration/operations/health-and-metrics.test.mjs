// Health and metrics: GET /health answers anyone with the database's and the relay's state, the
// version and the uptime; GET /metrics (Prometheus text) answers this machine and superusers only,
// and its counters move with what happens: posts and pages timed, events published and delivered,
// live connections, rate-limit refusals.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { networkInterfaces } from 'node:os'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startServerWithSuperuser, api } from '../../helpers/admin.mjs'
import { signUp, createRoom, postMessage, apiToken } from '../../helpers/browserless.mjs'
import { Subscriber, RawSse } from '../../helpers/sse.mjs'
import { liveAttributes } from '../../helpers/markup.mjs'
import { ROOT, freePort } from '../../helpers/server.mjs'

let server
let owner
before(async () => {
  // on every address, so that a request can come from this machine's own non-loopback address
  const port = await freePort()
  server = await startServerWithSuperuser({
    port,
    args: ['--http', `0.0.0.0:${port}`],
    env: { HEARTH_LIMIT_POSTS: '1000/60', HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_ROOMS: '1/3600', HEARTH_LIMIT_CONNECTIONS_PER_SESSION: '1' },
  })
  owner = await signUp(server)
})
after(async () => { await server?.stop() })

/** metric is the value of one sample in the exposition, e.g. metric(text, 'hearth_events_published_total') */
function metric(text, name, labels = '') {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (!labels && l.startsWith(`${name} `)))
  assert.ok(line, `${name}${labels} is in the metrics`)
  return Number(line.split(' ').at(-1))
}

const scrape = async (headers = {}) => {
  const res = await fetch(`${server.url}/metrics`, { headers })
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
}

/** an address of this machine that is not loopback (the metrics must refuse it), or undefined */
function ownOtherAddress() {
  return Object.values(networkInterfaces()).flat().find((i) => i.family === 'IPv4' && !i.internal)?.address
}

test('health answers anyone with the database, the relay, the version and the uptime', async () => {
  const res = await fetch(`${server.url}/health`)
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('cache-control'), 'no-store')
  const body = await res.json()
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version
  assert.equal(body.status, 'ok')
  assert.equal(body.db, 'ok')
  assert.equal(body.relay.status, 'ok')
  assert.equal(typeof body.relay.connections, 'number')
  assert.equal(body.version, version)
  assert.ok(Number.isInteger(body.uptime) && body.uptime >= 0)
  assert.equal(body.replica, undefined, 'no replica without HEARTH_REPLICA')
})

test('metrics answer this machine in Prometheus text, and move with posts, pages, live events and refusals', async () => {
  const before = await scrape()
  assert.equal(before.status, 200)
  assert.match(before.type, /^text\/plain; version=0\.0\.4/)
  const b = (name, labels) => metric(before.text, name, labels)

  const slug = await createRoom(owner)
  const tab = new Subscriber(owner)
  await tab.connect()
  assert.equal((await tab.subscribe([liveAttributes((await owner.get(`/rooms/${slug}`)).text).topic])).status, 200)
  const during = await scrape()
  assert.equal(metric(during.text, 'hearth_realtime_connections'), b('hearth_realtime_connections') + 1)
  const second = new RawSse(server, { cookie: owner.cookieHeader() }) // over the session's cap of one
  await assert.rejects(second.connect(), /SSE answered 429/)

  await postMessage(owner, slug, 'counted')
  await owner.get(`/rooms/${slug}`)
  assert.equal((await owner.post('/rooms', { name: 'one too many', kind: 'public' })).status, 429) // HEARTH_LIMIT_ROOMS 1
  tab.close()

  const later = await scrape()
  const a = (name, labels) => metric(later.text, name, labels)
  assert.ok(a('hearth_events_published_total') > b('hearth_events_published_total'), 'events published')
  assert.ok(a('hearth_request_duration_seconds_count', '{kind="post"}') >= b('hearth_request_duration_seconds_count', '{kind="post"}') + 3, 'posts timed')
  assert.ok(a('hearth_request_duration_seconds_count', '{kind="page"}') > b('hearth_request_duration_seconds_count', '{kind="page"}'), 'pages timed')
  assert.equal(a('hearth_rate_limit_refusals_total', '{limit="rooms"}'), 1)
  assert.equal(a('hearth_realtime_refused_total'), b('hearth_realtime_refused_total') + 1)
  for (const name of ['hearth_events_delivered_total', 'hearth_realtime_dropped_total', 'hearth_realtime_subscriptions', 'go_goroutines']) a(name)
})

test('metrics refuse another machine and a person\'s token, and take a superuser\'s token from anywhere', async (t) => {
  const other = ownOtherAddress()
  if (!other) return t.skip('this machine has no address but loopback')
  const remote = (headers = {}) => fetch(`http://${other}:${server.port}/metrics`, { headers })
  const person = await apiToken(server, owner.username)

  assert.equal((await remote()).status, 403)
  assert.equal((await remote({ Authorization: `Bearer ${person}` })).status, 403)
  assert.equal((await remote({ 'X-Forwarded-For': '127.0.0.1' })).status, 403, 'a forged address changes nothing')
  const su = await remote({ Authorization: `Bearer ${server.superuserToken}` })
  assert.equal(su.status, 200)
  assert.match(await su.text(), /hearth_events_published_total/)
})

test('metrics refuse a client whose real address, given by a trusted proxy, is not this machine', async () => {
  const set = (headers) => api(server, 'PATCH', '/api/settings', { token: server.superuserToken, body: { trustedProxy: { headers, useLeftmostIP: false } } })
  assert.equal((await set(['X-Forwarded-For'])).status, 200)
  try {
    assert.equal((await scrape({ 'X-Forwarded-For': '203.0.113.7' })).status, 403)
    assert.equal((await scrape({ 'X-Forwarded-For': '127.0.0.1' })).status, 200)
  } finally {
    await set([])
  }
})
