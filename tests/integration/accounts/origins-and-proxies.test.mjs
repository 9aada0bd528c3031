// Which requests count as this site's own (Origin by scheme and host, Sec-Fetch-Site), and when a
// proxy's X-Forwarded-Proto is believed (only through a proxy PocketBase is told to trust).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { signUp, createRoom, Visitor, nonce, sessionCookieLine, PASSWORD } from '../../helpers/browserless.mjs'
import { messageIds } from '../../helpers/markup.mjs'
import { startServerWithSuperuser, api } from '../../helpers/admin.mjs'

let server
let v
before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_POSTS: '1000/60', HEARTH_LIMIT_ROOMS: '1000/60' } })
  v = await signUp(server)
})
after(async () => { await server?.stop() })

test('the cross-site check compares the Origin scheme and host with the request, whatever Sec-Fetch-Site says', async () => {
  const own = server.url // http://127.0.0.1:<port>
  const host = own.replace(/^http:\/\//, '')
  const otherPort = `http://127.0.0.1:${server.port === 65535 ? 65534 : server.port + 1}`
  // [what, Origin (null: none sent), Sec-Fetch-Site (null: none sent), accepted?]
  const cases = [
    ['own Origin', own, null, true],
    ['own Origin, same-origin', own, 'same-origin', true],
    ['same-origin, no Origin', null, 'same-origin', true],
    ['neither header', null, null, false],
    ['foreign Origin', 'https://evil.example', null, false],
    ['foreign Origin, same-origin', 'https://evil.example', 'same-origin', false],
    ['foreign Origin, none', 'https://evil.example', 'none', false],
    ['https Origin for this http host (scheme mismatch)', `https://${host}`, null, false],
    ['https Origin for this http host, same-origin', `https://${host}`, 'same-origin', false],
    ['another port', otherPort, 'same-origin', false],
    ['a host that only starts like ours', `http://${host}.evil.example`, null, false],
    ['Origin null', 'null', null, false],
    ['Origin null, same-origin', 'null', 'same-origin', false],
    ['own Origin, cross-site', own, 'cross-site', false],
    ['own Origin, same-site', own, 'same-site', false],
    ['an Origin with a path', `${own}/x`, null, false],
  ]
  for (const [what, origin, site, accepted] of cases) {
    const slug = await createRoom(v)
    const res = await v.request('POST', `/rooms/${slug}/messages`, {
      form: { body: what, nonce: nonce() },
      origin,
      headers: site ? { 'Sec-Fetch-Site': site } : {},
    })
    assert.equal(res.status, accepted ? 303 : 403, what)
    if (!accepted) assert.match(res.text, /This request came from another site and was refused./, what)
    assert.equal(messageIds((await v.get(`/rooms/${slug}`)).text).length, accepted ? 1 : 0, what)
  }
})

/** logIn posts the log-in form with extra headers and returns its session cookie line (or the response). */
async function logIn({ origin = server.url, headers = {} } = {}) {
  const res = await new Visitor(server).post('/login', { username: v.username, password: PASSWORD }, { origin, headers })
  return { res, cookie: sessionCookieLine(res) }
}

async function setTrustedProxy(headers) {
  const res = await api(server, 'PATCH', '/api/settings', { token: server.superuserToken, body: { trustedProxy: { headers, useLeftmostIP: false } } })
  assert.equal(res.status, 200, res.text)
}

test('X-Forwarded-Proto makes the session cookie Secure only through a proxy PocketBase trusts', async () => {
  const forwarded = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' }

  // no trusted proxy configured (the default): anyone may send the headers, so they mean nothing
  const untrusted = await logIn({ headers: forwarded })
  assert.equal(untrusted.res.status, 303)
  assert.match(untrusted.cookie, /^hearth_session=/, 'a session cookie was set')
  assert.doesNotMatch(untrusted.cookie, /Secure/)
  // and the request is plain http, so an https Origin is another site
  assert.equal((await logIn({ origin: server.url.replace('http:', 'https:'), headers: forwarded })).res.status, 403)

  await setTrustedProxy(['X-Forwarded-For'])
  try {
    // through the trusted proxy (it set X-Forwarded-For): the browser used https
    const trusted = await logIn({ origin: server.url.replace('http:', 'https:'), headers: forwarded })
    assert.equal(trusted.res.status, 303)
    assert.match(trusted.cookie, /; Secure/)
    assert.match(trusted.cookie, /; HttpOnly/)
    // ...and then a plain http Origin is another site
    assert.equal((await logIn({ headers: forwarded })).res.status, 403)

    // a request that did not come through the proxy (no X-Forwarded-For) is not believed
    const direct = await logIn({ headers: { 'X-Forwarded-Proto': 'https' } })
    assert.equal(direct.res.status, 303)
    assert.match(direct.cookie, /^hearth_session=/, 'a session cookie was set')
    assert.doesNotMatch(direct.cookie, /Secure/)

    // the proxy's own (last, rightmost) word counts: it says http here
    const plain = await logIn({ headers: { 'X-Forwarded-Proto': 'https, http', 'X-Forwarded-For': '203.0.113.9' } })
    assert.equal(plain.res.status, 303)
    assert.match(plain.cookie, /^hearth_session=/, 'a session cookie was set')
    assert.doesNotMatch(plain.cookie, /Secure/)
  } finally {
    await setTrustedProxy([])
  }

  const after = await logIn({ headers: forwarded })
  assert.doesNotMatch(after.cookie, /Secure/, 'no longer trusted once the setting is removed')
})
