// Bad input is the sender's mistake: every page POST answers a body it cannot read with 400 (413 when
// it is too large) and a readable message, in the site's layout (a fragment for htmx, JSON for the
// JSON route), and nothing is logged as a server error. Malformed URLs get 4xx or are read leniently.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { signUp, createRoom, postMessage, rawPost, nonce, PASSWORD } from '../../helpers/browserless.mjs'
import { startServer, serverErrors } from '../../helpers/server.mjs'

let server
let owner, member
let slug, messageId

before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_POSTS: '1000/60' } })
  ;[owner, member] = await Promise.all([signUp(server), signUp(server)])
  slug = await createRoom(owner, { kind: 'public' })
  assert.equal((await member.post(`/rooms/${slug}/membership`, {})).status, 303)
  messageId = await postMessage(owner, slug, 'hello')
})
after(async () => { await server?.stop() })

/** send posts raw bytes over node:http (see rawPost: type, headers, cookie, chunked). */
const send = (path, { body, ...options }) => rawPost(server, path, body, options)

const BOUNDARY = 'hearthboundary'
const big = () => `body=${'a'.repeat(100 << 10)}&nonce=${nonce()}`

const BAD_BODIES = {
  'a malformed escape': { body: 'body=hi&nonce=%zz', status: 400, message: /could not be read: it was malformed or cut off/ },
  'a cut-off multipart body': {
    body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="body"\r\n\r\nhi`,
    type: `multipart/form-data; boundary=${BOUNDARY}`,
    status: 400,
    message: /could not be read: it was malformed or cut off/,
  },
  'a multipart body without a boundary': { body: 'body=hi', type: 'multipart/form-data', status: 400, message: /could not be read/ },
  'bytes that are not UTF-8': { body: Buffer.concat([Buffer.from('body='), Buffer.from([0xff, 0xfe]), Buffer.from('&nonce=x&username=%C3%28')]), status: 400, message: /not valid UTF-8/ },
  'a chunked body over the limit': { body: big(), chunked: true, status: 413, message: /too large: at most 64 KB/ },
  'a body over the limit with its length': { body: big(), status: 413, message: /too large: at most 64 KB/ },
}

const routes = () => ({
  '/login': null,
  '/signup': null,
  '/logout': owner,
  '/rooms': owner,
  [`/rooms/${slug}/messages`]: owner,
  [`/rooms/${slug}/membership`]: member,
  [`/rooms/${slug}/members`]: owner,
  [`/rooms/${slug}/members/${member.username}/removal`]: owner,
  [`/rooms/${slug}/messages/${messageId}/edit`]: owner,
  [`/rooms/${slug}/messages/${messageId}/deletion`]: owner,
  '/realtime/subscriptions': owner,
})

const readable = (text) => text.replace(/<[^>]+>/g, ' ')

test('every page POST answers a body it cannot read with 400 or 413 and a readable page, and logs no error', async () => {
  const from = server.logs().length
  for (const [path, visitor] of Object.entries(routes())) {
    for (const [what, bad] of Object.entries(BAD_BODIES)) {
      const label = `${path}: ${what}`
      const res = await send(path, { ...bad, cookie: visitor?.cookieHeader() })
      assert.equal(res.status, bad.status, `${label}: ${res.text.slice(0, 300)}`)
      if (path === '/realtime/subscriptions') {
        assert.match(res.type, /^application\/json/, label)
        const json = JSON.parse(res.text)
        assert.equal(json.status, bad.status, label)
        assert.match(json.message, bad.message, label)
      } else {
        assert.match(res.type, /^text\/html/, label)
        assert.match(res.text, /<header class="site">/, `${label}: in the site layout`)
        assert.match(readable(res.text), bad.message, label)
        assert.doesNotMatch(res.text, /GoError|at formOf|Something went wrong on our side/, label)
      }
    }
  }
  assert.deepEqual(serverErrors(server, from), [])
})

test('htmx gets the same refusal as a fragment, without the layout', async () => {
  const from = server.logs().length
  for (const [what, bad] of Object.entries(BAD_BODIES)) {
    const res = await send(`/rooms/${slug}/messages`, { ...bad, cookie: owner.cookieHeader(), headers: { 'HX-Request': 'true' } })
    assert.equal(res.status, bad.status, what)
    assert.doesNotMatch(res.text, /<header class="site">|<html/, what)
    assert.match(readable(res.text), bad.message, what)
  }
  assert.deepEqual(serverErrors(server, from), [])
})

test('the refused bodies changed nothing, and a good form still works after them', async () => {
  const page = await owner.get(`/rooms/${slug}`)
  assert.equal(page.status, 200)
  assert.match(page.text, new RegExp(`id="message-${messageId}"`), 'the message was neither edited nor deleted')
  assert.doesNotMatch(page.text, />hi</)
  assert.equal((await owner.get(`/rooms/${slug}/members`)).text.includes(member.username), true, 'the member was not removed')
  // a good form of a fair size is read and posted
  const res = await send(`/rooms/${slug}/messages`, { body: `body=${'b'.repeat(1000)}&nonce=${nonce()}`, cookie: owner.cookieHeader() })
  assert.equal(res.status, 303)
})

test('malformed percent-encoding and bytes that are not UTF-8 in paths and query strings get 4xx or are read leniently, never 500', async () => {
  const from = server.logs().length
  const cases = {
    '/rooms/%zz': [400, 404],
    '/rooms/%ff': [404],
    [`/rooms/${slug}/%E0%A4%A`]: [400, 404],
    [`/rooms/${slug}?before=%zz`]: [200],
    [`/rooms/${slug}?before=%ff`]: [200],
    // (a signed-in person is sent on from the log-in page)
    '/login?next=%zz': [303],
    '/login?next=%ff%fe': [303],
    [`/rooms/${slug}/events?after=%zz`]: [422],
  }
  for (const [path, statuses] of Object.entries(cases)) {
    const res = await owner.get(path)
    assert.ok(statuses.includes(res.status), `${path}: ${res.status} ${res.text.slice(0, 200)}`)
  }
  // a log-in whose ?next= cannot be decoded still logs in, and lands on a page of this site
  const login = await send('/login?next=%zz', { body: `username=${owner.username}&password=${PASSWORD}` })
  assert.equal(login.status, 303)
  assert.deepEqual(serverErrors(server, from), [])
})
