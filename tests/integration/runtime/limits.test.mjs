// Rate limits under concurrency: every limit reserves its slot atomically before the work, so
// hundreds of requests sent at once let EXACTLY the limit through (the old read-then-write counters
// let 281 of 300 log-in guesses be checked under a limit of 10, and 31 of 45 posts through a limit
// of 30). Every request here comes from 127.0.0.1, so each per-IP limit gets a server of its own.
import { test, before, after, describe } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../../helpers/server.mjs'
import { Visitor, signUp, createRoom, postMessage, apiToken, uniqueName, nonce, PASSWORD } from '../../helpers/browserless.mjs'
import { messageIds, fieldError, bodyText } from '../../helpers/markup.mjs'
import { api, roomIdOf, userIdOf } from '../../helpers/admin.mjs'

const DEFAULTS = {
  HEARTH_LIMIT_POSTS: '', HEARTH_LIMIT_SIGNUPS: '', HEARTH_LIMIT_FAILED_LOGINS: '', HEARTH_LIMIT_EDITS: '',
  HEARTH_LIMIT_MEMBERSHIPS: '', HEARTH_LIMIT_ROOMS: '', HEARTH_LIMIT_SUBSCRIPTIONS: '',
}

/** all sends every request at once and counts the answers by status. */
async function all(n, send) {
  const statuses = await Promise.all(Array.from({ length: n }, (_, i) => send(i).then((r) => r.status)))
  const counts = {}
  for (const s of statuses) counts[s] = (counts[s] || 0) + 1
  return { statuses, counts }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

describe('sign-ups per network (default 10 an hour)', () => {
  let server
  before(async () => { server = await startServer({ env: DEFAULTS }) })
  after(async () => { await server?.stop() })

  test('300 sign-ups at once, some invalid: exactly 10 are handled (refused ones count), the rest answer 429 and make no account', async () => {
    const names = Array.from({ length: 300 }, () => uniqueName())
    const { statuses, counts } = await all(300, (i) => new Visitor(server).post('/signup', i % 3 === 0
      ? { username: 'x', password: 'short', passwordConfirm: 'short' } // invalid: 422, but it counts
      : { username: names[i], password: PASSWORD, passwordConfirm: PASSWORD }))
    assert.equal(counts[429], 290, JSON.stringify(counts))
    assert.equal((counts[303] || 0) + (counts[422] || 0), 10, JSON.stringify(counts))
    // every account that was made is real; no refused one was
    const made = names.filter((_, i) => statuses[i] === 303)
    const refused = names.filter((_, i) => i % 3 !== 0 && statuses[i] === 429)
    assert.equal((await new Visitor(server).post('/login', { username: made[0] ?? refused[0], password: PASSWORD })).status, made.length ? 303 : 422)
    assert.equal((await new Visitor(server).post('/login', { username: refused[0], password: PASSWORD })).status, 422, 'no account for a 429')
  })

  test('a refused sign-up page keeps what was typed (not the passwords) and says why', async () => {
    const username = uniqueName()
    const res = await new Visitor(server).post('/signup', { username, name: 'Kept Name', password: PASSWORD, passwordConfirm: PASSWORD })
    assert.equal(res.status, 429)
    assert.match(res.text, /<header class="site">/)
    assert.match(res.text, /Too many sign-ups from your network. Please try again later./)
    assert.match(res.text, new RegExp(`id="username"[^>]*value="${username}"`))
    assert.match(res.text, /id="name"[^>]*value="Kept Name"/)
    assert.doesNotMatch(res.text, new RegExp(PASSWORD))
  })
})

describe('per-person limits, then log-ins on the pages (defaults)', () => {
  let server, poster, other, slug
  before(async () => {
    server = await startServer({ env: { ...DEFAULTS, HEARTH_LIMIT_SIGNUPS: '1000/3600' } })
    poster = await signUp(server)
    other = await signUp(server)
    slug = await createRoom(poster)
    await other.post(`/rooms/${slug}/membership`, {})
  })
  after(async () => { await server?.stop() })

  /** a new member of the room, with what posting through the REST API needs */
  async function newAuthor() {
    const author = await signUp(server)
    await author.post(`/rooms/${slug}/membership`, {})
    const token = await apiToken(server, author.username)
    return { author, token, room: await roomIdOf(author, slug), me: await userIdOf(author) }
  }

  test('60 posts at once from one person through the page: exactly 30 are posted, 30 answer 429', async () => {
    const { author } = await newAuthor()
    const nonces = Array.from({ length: 60 }, nonce)
    const { statuses, counts } = await all(60, (i) => author.post(`/rooms/${slug}/messages`, { body: `burst ${i}`, nonce: nonces[i] }))
    assert.deepEqual(counts, { 303: 30, 429: 30 })
    // resending a form that did get through finds its message; it is not refused as a new post
    const through = statuses.indexOf(303)
    const retry = await author.post(`/rooms/${slug}/messages`, { body: `burst ${through}`, nonce: nonces[through] })
    assert.equal(retry.status, 303)
    const page = await other.get(`/rooms/${slug}`)
    assert.equal([...page.text.matchAll(/>burst \d+</g)].length, 30)
  })

  test('100 posts at once through the REST API: exactly 30 are created; pages and the API share the limit', async () => {
    const { author, token, room, me } = await newAuthor()
    await postMessage(author, slug, 'one through the page first')
    const { counts } = await all(100, (i) => api(server, 'POST', '/api/collections/messages/records', {
      token, body: { room, author: me, body: `api burst ${i}` },
    }))
    assert.deepEqual(counts, { 200: 29, 429: 71 })
    const refused = await api(server, 'POST', '/api/collections/messages/records', { token, body: { room, author: me, body: 'again' } })
    assert.match(refused.json.message, /posting too fast/)
    const page = await author.post(`/rooms/${slug}/messages`, { body: 'and the page is refused too', nonce: nonce() })
    assert.equal(page.status, 429)
  })

  test('an invalid REST post gives its slot back; a page over the limit keeps the message typed', async () => {
    const { author, token, room, me } = await newAuthor()
    for (let i = 0; i < 5; i++) {
      const bad = await api(server, 'POST', '/api/collections/messages/records', { token, body: { room, author: me, body: '   ' } })
      assert.equal(bad.status, 400)
    }
    const { counts } = await all(40, (i) => postMessage(author, slug, `fill ${i}`).then(() => ({ status: 303 }), () => ({ status: 429 })))
    assert.deepEqual(counts, { 303: 30, 429: 10 })
    const lastNonce = nonce()
    const res = await author.post(`/rooms/${slug}/messages`, { body: 'this I typed <kept>', nonce: lastNonce })
    assert.equal(res.status, 429)
    assert.match(res.text, /<header class="site">/)
    assert.equal(fieldError(res.text, 'body'), 'You are posting too fast. Wait a moment, then send again.')
    assert.equal(bodyText(res.text), 'this I typed &lt;kept&gt;')
    const htmx = await author.htmxPost(`/rooms/${slug}/messages`, { body: 'typed in htmx', nonce: nonce() })
    assert.equal(htmx.status, 429)
    assert.match(htmx.text, /<form id="composer"/)
    assert.doesNotMatch(htmx.text, /<header class="site">/, 'htmx gets the composer alone')
    assert.match(htmx.text, />typed in htmx<\/textarea>/)
    assert.match(htmx.text, /You are posting too fast/)
    // someone else in the same room and network still posts
    const id = await postMessage(other, slug, 'my turn')
    assert.ok(messageIds((await other.get(`/rooms/${slug}`)).text).includes(id))
  })

  test('100 edits at once of one message: exactly 30 are saved, the rest answer 429 with the edit kept', async () => {
    const id = await postMessage(other, slug, 'to be edited')
    const { counts } = await all(100, (i) => other.post(`/rooms/${slug}/messages/${id}/edit`, { body: `edit ${i}` }))
    assert.deepEqual(counts, { 303: 30, 429: 70 })
    const res = await other.post(`/rooms/${slug}/messages/${id}/edit`, { body: 'one more edit' })
    assert.equal(res.status, 429)
    assert.match(res.text, /You are editing too fast/)
    assert.match(res.text, />one more edit<\/textarea>/)
  })

  test('50 rooms created at once by one person: exactly 10 are made', async () => {
    const maker = await signUp(server)
    const { counts } = await all(50, (i) => maker.post('/rooms', { name: `burst room ${i} ${nonce()}`, kind: 'public' }))
    assert.deepEqual(counts, { 303: 10, 429: 40 })
    const res = await maker.post('/rooms', { name: 'kept room name', kind: 'private' })
    assert.equal(res.status, 429)
    assert.match(res.text, /You have created many rooms recently/)
    assert.match(res.text, /id="name"[^>]*value="kept room name"/)
  })

  test('60 joins and leaves at once by one person: exactly 20 are handled', async () => {
    const mover = await signUp(server)
    const { counts } = await all(60, (i) => mover.post(`/rooms/${slug}/membership`, i % 2 ? { leave: '1' } : {}))
    assert.deepEqual(counts, { 303: 20, 429: 40 })
    const res = await mover.post(`/rooms/${slug}/membership`, {})
    assert.equal(res.status, 429)
    assert.match(res.text, /<h1>Slow down<\/h1>/)
    assert.match(res.text, /You are joining and leaving rooms too fast/)
  })

  test('200 subscribe requests at once by one person: exactly 60 are handled', async () => {
    const subscriber = await signUp(server)
    // no such realtime connection: a handled request answers 404, a refused one 429
    const { counts } = await all(200, () => subscriber.post('/realtime/subscriptions', { clientId: 'nope', topics: '' }))
    assert.deepEqual(counts, { 404: 60, 429: 140 })
  })
})

describe('failed log-ins per network (default 10 in 10 minutes)', () => {
  let server, victim, signedIn
  before(async () => {
    server = await startServer({ env: DEFAULTS })
    victim = await signUp(server)
    signedIn = await signUp(server)
  })
  after(async () => { await server?.stop() })

  test('300 wrong passwords at once through the page, the right one among them: exactly 10 are checked, then even the right password answers 429', async () => {
    const right = 150
    const { statuses, counts } = await all(301, (i) => new Visitor(server).post('/login', {
      username: victim.username, password: i === right ? PASSWORD : `wrong-${i}`,
    }))
    const wrongChecked = statuses.filter((s, i) => i !== right && s === 422).length
    assert.equal(wrongChecked, 10, JSON.stringify(counts))
    // the right password got in only if it found a free slot (and then gave it back)
    assert.ok([303, 429].includes(statuses[right]), `right password: ${statuses[right]}`)
    assert.equal(counts[429], 301 - 10 - (statuses[right] === 303 ? 1 : 0), JSON.stringify(counts))

    const again = await new Visitor(server).post('/login', { username: victim.username, password: PASSWORD })
    assert.equal(again.status, 429)
    assert.match(again.text, /<header class="site">/)
    assert.match(again.text, /Too many failed log-ins from your network. Please wait a few minutes and try again./)
    assert.match(again.text, new RegExp(`id="username"[^>]*value="${victim.username}"`), 'the username is kept')
    const viaApi = await api(server, 'POST', '/api/collections/users/auth-with-password', { body: { identity: victim.username, password: PASSWORD } })
    assert.equal(viaApi.status, 429, 'the REST API shares the limit')
    assert.match(viaApi.json.message, /Too many failed log-ins/)
    // people already signed in are not affected
    assert.equal((await signedIn.get('/rooms/lobby')).status, 200)
  })
})

describe('failed log-ins through the REST API (default 10 in 10 minutes)', () => {
  let server, victim
  before(async () => {
    server = await startServer({ env: DEFAULTS })
    victim = await signUp(server)
  })
  after(async () => { await server?.stop() })

  test('300 wrong passwords at once through auth-with-password: exactly 10 are checked (400), the rest 429, then the right one 429', async () => {
    const { counts } = await all(300, (i) => api(server, 'POST', '/api/collections/users/auth-with-password', {
      body: { identity: victim.username, password: `wrong-${i}` },
    }))
    assert.deepEqual(counts, { 400: 10, 429: 290 })
    const right = await api(server, 'POST', '/api/collections/users/auth-with-password', { body: { identity: victim.username, password: PASSWORD } })
    assert.equal(right.status, 429)
    assert.equal((await new Visitor(server).post('/login', { username: victim.username, password: PASSWORD })).status, 429, 'the pages share the limit')
  })
})

describe('log-in timing does not tell who has an account', () => {
  let server, person
  before(async () => {
    server = await startServer({ env: { ...DEFAULTS, HEARTH_LIMIT_FAILED_LOGINS: '1000/600' } })
    person = await signUp(server)
  })
  after(async () => { await server?.stop() })

  // alternating, one at a time: median wall times of a wrong password and of a missing username
  async function compare(attempt) {
    const existing = []
    const missing = []
    for (let i = 0; i < 15; i++) {
      for (const [list, username] of [[existing, person.username], [missing, uniqueName('nobody')]]) {
        const t = process.hrtime.bigint()
        await attempt(username)
        list.push(Number(process.hrtime.bigint() - t) / 1e6)
      }
    }
    return { existing: median(existing), missing: median(missing), ratio: median(missing) / median(existing) }
  }

  test('pages: a missing username takes as long to refuse as a wrong password', async () => {
    const m = await compare(async (username) => {
      const res = await new Visitor(server).post('/login', { username, password: 'not-the-password' })
      assert.equal(res.status, 422)
    })
    console.log(`pages: median refusal for a missing user ${m.missing.toFixed(1)} ms, existing ${m.existing.toFixed(1)} ms, ratio ${m.ratio.toFixed(2)}`)
    assert.ok(m.ratio >= 0.5 && m.ratio <= 2, JSON.stringify(m))
  })

  test('REST: PocketBase already does a dummy check for a missing identity', async () => {
    const m = await compare(async (identity) => {
      const res = await api(server, 'POST', '/api/collections/users/auth-with-password', { body: { identity, password: 'not-the-password' } })
      assert.equal(res.status, 400)
    })
    console.log(`REST: median refusal for a missing user ${m.missing.toFixed(1)} ms, existing ${m.existing.toFixed(1)} ms, ratio ${m.ratio.toFixed(2)}`)
    assert.ok(m.ratio >= 0.5 && m.ratio <= 2, JSON.stringify(m))
  })
})
