// The locks: cross-site request refusal, security headers, the session cookie, which tokens open a
// session, where redirects may lead, and which files are never served.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { signUp, createRoom, Visitor, apiToken, nonce, sessionCookieLine, PASSWORD, uniqueName } from '../../helpers/browserless.mjs'
import { messageIds } from '../../helpers/markup.mjs'
import { startServerWithSuperuser, api, userIdOf } from '../../helpers/admin.mjs'
import { startMailbox, decodeQuotedPrintable } from '../../helpers/mailbox.mjs'

let server
let mailbox
// alice is shared by the tests that leave her signed in; the reset test signs up someone new
let alice
before(async () => {
  ;[server, mailbox] = await Promise.all([
    startServerWithSuperuser({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_POSTS: '1000/60' } }),
    startMailbox(),
  ])
  alice = await signUp(server)
})
after(async () => {
  await server?.stop()
  await mailbox?.close()
})


function assertSecurityHeaders(res, what) {
  const csp = res.headers.get('content-security-policy') ?? ''
  assert.match(csp, /frame-ancestors 'none'/, what)
  assert.match(csp, /default-src 'self'/, what)
  assert.match(csp, /script-src 'self'(;|$)/, what)
  assert.match(csp, /object-src 'none'/, what)
  assert.match(csp, /form-action 'self'/, what)
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, what)
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', what)
  assert.equal(res.headers.get('referrer-policy'), 'same-origin', what)
  assert.equal(res.headers.get('x-frame-options'), 'DENY', what)
}

test('every page, error page and redirect carries the security headers', async () => {
  const v = alice
  const guest = new Visitor(server)
  const cases = {
    'log-in page': await guest.get('/login'),
    'room page': await v.get('/rooms/lobby'),
    '404 page': await v.get('/no/such/page'),
    'redirect': await guest.get('/rooms'),
    'refused post': await v.post('/rooms/lobby/messages', { body: 'x' }, { origin: 'https://evil.example' }),
    '422 form': await guest.post('/login', {}),
    'stylesheet': await v.get('/me/style.css'),
    'avatar': await v.get(`/avatars/${v.username}`),
  }
  for (const [what, res] of Object.entries(cases)) assertSecurityHeaders(res, what)
})

test('a POST from another site (foreign Origin) is refused with 403 and changes nothing', async () => {
  const v = alice
  const slug = await createRoom(v)
  for (const origin of ['https://evil.example', 'http://127.0.0.1.evil.example', 'null']) {
    const res = await v.post(`/rooms/${slug}/messages`, { body: 'forged', nonce: nonce() }, { origin })
    assert.equal(res.status, 403, origin)
    assert.match(res.text, /This request came from another site and was refused./)
    assert.match(res.text, /<h1>Not allowed<\/h1>/)
  }
  assert.deepEqual(messageIds((await v.get(`/rooms/${slug}`)).text), [])
})

test('a POST the browser marks Sec-Fetch-Site: cross-site (or same-site) is refused, whatever its Origin says', async () => {
  const v = alice
  const slug = await createRoom(v)
  for (const site of ['cross-site', 'same-site']) {
    const res = await v.post(`/rooms/${slug}/messages`, { body: 'forged', nonce: nonce() }, { headers: { 'Sec-Fetch-Site': site } })
    assert.equal(res.status, 403, site)
  }
  const htmx = await v.request('POST', `/rooms/${slug}/messages`, {
    form: { body: 'forged', nonce: nonce() },
    headers: { 'Sec-Fetch-Site': 'cross-site', 'HX-Request': 'true' },
  })
  assert.equal(htmx.status, 403)
  assert.deepEqual(messageIds((await v.get(`/rooms/${slug}`)).text), [])
  // the browser's own same-origin form passes
  const ok = await v.post(`/rooms/${slug}/messages`, { body: 'genuine', nonce: nonce() }, { origin: null, headers: { 'Sec-Fetch-Site': 'same-origin' } })
  assert.equal(ok.status, 303)
})

test('a POST with neither Origin nor Sec-Fetch-Site is refused', async () => {
  const v = alice
  const slug = await createRoom(v)
  const res = await v.post(`/rooms/${slug}/messages`, { body: 'no origin', nonce: nonce() }, { origin: null })
  assert.equal(res.status, 403)
  assert.deepEqual(messageIds((await v.get(`/rooms/${slug}`)).text), [])
})

test('log-in, sign-up and log-out refuse cross-site posts too', async () => {
  const v = alice
  const evil = { origin: 'https://evil.example' }
  assert.equal((await new Visitor(server).post('/login', { username: v.username, password: PASSWORD }, evil)).status, 403)
  const name = uniqueName()
  assert.equal((await new Visitor(server).post('/signup', { username: name, password: PASSWORD, passwordConfirm: PASSWORD }, evil)).status, 403)
  assert.equal((await new Visitor(server).post('/login', { username: name, password: PASSWORD })).status, 422, 'no account was made')
  const logout = await v.post('/logout', { everywhere: '1' }, evil)
  assert.equal(logout.status, 403)
  assert.equal((await v.get('/rooms')).status, 200, 'still signed in')
})

// (Secure behind a trusted HTTPS proxy: origins-and-proxies.test.mjs)
test('the session cookie is HttpOnly, SameSite=Lax, for the whole site, and not Secure over plain http', async () => {
  const username = uniqueName()
  const res = await new Visitor(server).post('/signup', { username, password: PASSWORD, passwordConfirm: PASSWORD })
  const cookie = sessionCookieLine(res)
  assert.ok(cookie, 'a session cookie')
  assert.match(cookie, /; HttpOnly/)
  assert.match(cookie, /; SameSite=Lax/)
  assert.match(cookie, /; Path=\//)
  assert.match(cookie, /; Max-Age=\d+/)
  assert.doesNotMatch(cookie, /Secure/, 'plain http cannot carry a Secure cookie')
  // X-Forwarded-Proto from a sender PocketBase was not told to trust changes nothing
  const forged = await new Visitor(server).post('/login', { username, password: PASSWORD }, { headers: { 'X-Forwarded-Proto': 'https' } })
  assert.ok(sessionCookieLine(forged), 'a session cookie')
  assert.doesNotMatch(sessionCookieLine(forged), /Secure/)
})

/** a visitor whose session cookie is the given token */
function withToken(token) {
  const v = new Visitor(server)
  v.cookies.set('hearth_session', token)
  return v
}

test("an API auth token is not a session: only a session's own cookie signs a browser in", async () => {
  const res = await withToken(await apiToken(server, alice.username)).get('/rooms')
  assert.equal(res.status, 303)
  assert.match(res.location, /^\/login/)
  assert.equal((await withToken(alice.sessionToken).get('/rooms')).status, 200, 'the control: the real cookie works')
})

test("a real password-reset token from PocketBase's email is not accepted as a session", async () => {
  const v = await signUp(server)
  const id = await userIdOf(v)
  const email = `${v.username}@example.com`
  const settings = await api(server, 'PATCH', '/api/settings', {
    token: server.superuserToken,
    body: { meta: { senderAddress: 'hearth@example.com', senderName: 'Hearth' }, smtp: { enabled: true, host: '127.0.0.1', port: mailbox.port, tls: false } },
  })
  assert.equal(settings.status, 200, settings.text)
  assert.equal((await api(server, 'PATCH', `/api/collections/users/records/${id}`, { token: server.superuserToken, body: { email } })).status, 200)

  const arrival = mailbox.next()
  const ask = await api(server, 'POST', '/api/collections/users/request-password-reset', { body: { email } })
  assert.equal(ask.status, 204)
  const mail = decodeQuotedPrintable(await arrival)
  assert.match(mail, new RegExp(`To: ${email}`))
  const token = /confirm-password-reset\/([\w-]+\.[\w-]+\.[\w-]+)/.exec(mail)?.[1]
  assert.ok(token, 'the email holds a reset link')
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())
  assert.equal(claims.type, 'passwordReset')
  assert.equal(claims.id, id)

  const res = await withToken(token).get('/rooms')
  assert.equal(res.status, 303)
  assert.match(res.location, /^\/login/)
  assert.equal((await withToken(token).post('/rooms/lobby/messages', { body: 'reset token', nonce: nonce() })).status, 303)
  assert.doesNotMatch((await v.get('/rooms/lobby')).text, /reset token/)
})

test('a file token is not accepted as a session either', async () => {
  const v = alice
  const file = await api(server, 'POST', '/api/files/token', { token: await apiToken(server, v.username) })
  assert.equal(file.status, 200)
  const res = await withToken(file.json.token).get('/rooms')
  assert.equal(res.status, 303)
  assert.match(res.location, /^\/login/)
})

test("a superuser's token is not a Hearth session", async () => {
  const page = await withToken(server.superuserToken).get('/rooms')
  assert.equal(page.status, 303)
  assert.match(page.location, /^\/login/)
})

test('after log-in, ?next= only ever leads to a page of this site', async () => {
  const v = alice
  for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', '\\\\evil.example', '/\t/evil.example', '/\n/evil.example', '\t//evil.example', 'javascript:alert(1)']) {
    const res = await new Visitor(server).post(`/login?next=${encodeURIComponent(next)}`, { username: v.username, password: PASSWORD })
    assert.equal(res.status, 303, JSON.stringify(next))
    const target = new URL(res.location, server.url)
    assert.equal(target.origin, server.url, `${JSON.stringify(next)} led to ${JSON.stringify(res.location)}`)
  }
  const ok = await new Visitor(server).post(`/login?next=${encodeURIComponent('/rooms/lobby?before=5#x')}`, { username: v.username, password: PASSWORD })
  assert.equal(ok.location, '/rooms/lobby?before=5#x')
})

test('page sources, handlers, layouts and partials are never served', async () => {
  const v = alice
  for (const path of ['/+layout.ejs', '/+error.ejs', '/+get.js', '/index.ejs', '/login/+post.js', '/login/index.ejs', '/_private/composer.ejs', '/rooms/[slug]/+get.js', '/rooms/%5Bslug%5D/+get.js', '/rooms/%5Bslug%5D/events/+get.js', '/rooms/+post.js', '/me/style.css.ejs', '/_private/', '/rooms/%2Bpost.js']) {
    const res = await v.get(path)
    assert.equal(res.status, 404, path)
    assert.doesNotMatch(res.text, /module\.exports|<%/, path)
  }
})

test('names people choose are shown as text, never as HTML', async () => {
  const username = uniqueName()
  const v = new Visitor(server)
  await v.post('/signup', { username, name: '<img src=x onerror=alert(1)>', password: PASSWORD, passwordConfirm: PASSWORD })
  const slug = await createRoom(v, { name: '<script>alert(2)</script>', slug: uniqueName('xss').replace(/_/g, '-') })
  await v.post(`/rooms/${slug}/messages`, { body: 'hi', nonce: nonce() })
  for (const path of [`/rooms/${slug}`, `/rooms/${slug}/members`, '/rooms']) {
    const page = await v.get(path)
    assert.doesNotMatch(page.text, /<img src=x|<script>alert/, path)
  }
  assert.match((await v.get(`/rooms/${slug}`)).text, /&lt;script&gt;alert\(2\)&lt;\/script&gt;/)
})

test('a URL path is decoded exactly once', async () => {
  const v = alice
  // %2575 is "%75" once decoded; decoding it twice would turn it into "u"
  const twice = `/avatars/%25${v.username.charCodeAt(0).toString(16)}${v.username.slice(1)}`
  assert.equal((await v.get(twice)).status, 404)
  const once = `/avatars/%${v.username.charCodeAt(0).toString(16)}${v.username.slice(1)}`
  assert.equal((await v.get(once)).status, 200)
  // a lone percent sign is a plain 404 page, not a server error
  const odd = await v.get('/rooms/100%25')
  assert.equal(odd.status, 404)
  assert.match(odd.text, /<header class="site">/)
})
