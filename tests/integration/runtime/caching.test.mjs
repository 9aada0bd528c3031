// What caches may keep: nothing rendered for a signed-in person (Cache-Control: private, no-store);
// static files keep their own caching.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { signUp, createRoom, postMessage, Visitor, nonce } from '../../helpers/browserless.mjs'
import { startServer } from '../../helpers/server.mjs'

let server
let v
let slug, messageId
before(async () => {
  server = await startServer()
  v = await signUp(server)
  slug = await createRoom(v)
  messageId = await postMessage(v, slug, 'hello')
})
after(async () => { await server?.stop() })

test('every page rendered for a signed-in person says Cache-Control: private, no-store', async () => {
  const cases = {
    'home': await v.get('/'),
    'room list': await v.get('/rooms'),
    'room page': await v.get(`/rooms/${slug}`),
    'members page': await v.get(`/rooms/${slug}/members`),
    'message page': await v.get(`/rooms/${slug}/messages/${messageId}`),
    'edit form': await v.get(`/rooms/${slug}/messages/${messageId}/edit`),
    'personal stylesheet': await v.get('/me/style.css'),
    'catch-up JSON': await v.get(`/rooms/${slug}/events?after=0`),
    '404 page': await v.get('/no/such/page'),
    '422 form': await v.post(`/rooms/${slug}/messages`, { body: '', nonce: nonce() }),
    'htmx fragment': await v.htmxPost(`/rooms/${slug}/messages`, { body: 'from htmx', nonce: nonce() }),
    'redirect after a post': await v.post(`/rooms/${slug}/messages`, { body: 'plain', nonce: nonce() }),
    'subscribe JSON error': await v.post('/realtime/subscriptions', { clientId: 'nosuchclient' }),
  }
  for (const [what, res] of Object.entries(cases)) {
    assert.ok(res.status < 500, `${what}: ${res.status}`)
    assert.equal(res.headers.get('cache-control'), 'private, no-store', what)
  }
  assert.equal(cases['personal stylesheet'].status, 200)
  assert.match(cases['personal stylesheet'].headers.get('content-type'), /text\/css/)
})

test('static files keep their own caching, for guests and signed-in people alike', async () => {
  for (const visitor of [new Visitor(server), v]) {
    const vendored = await visitor.get('/vendor/htmx.min.js')
    assert.equal(vendored.status, 200)
    assert.equal(vendored.headers.get('cache-control'), 'public, max-age=31536000, immutable')
    const css = await visitor.get('/hearth.css')
    assert.equal(css.status, 200)
    assert.doesNotMatch(css.headers.get('cache-control') ?? '', /no-store/)
  }
})

test('an avatar keeps its own private one-day cache (the image depends on the name drawn, not on who looks)', async () => {
  const res = await v.get(`/avatars/${v.username}`)
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('cache-control'), 'private, max-age=86400')
})
