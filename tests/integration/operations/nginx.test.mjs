// Behind a real nginx (Debian's) on the same machine, with PocketBase's trusted-proxy setting:
// live updates arrive at once, the per-address limits see each browser's own address, a forged
// X-Forwarded-For changes nothing (nginx replaces it; a client that reaches Hearth directly has it
// removed), and X-Forwarded-Proto counts only from the proxy.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { networkInterfaces } from 'node:os'
import { startServerWithSuperuser, api } from '../../helpers/admin.mjs'
import { signUp, createRoom, postMessage, PASSWORD, uniqueText } from '../../helpers/browserless.mjs'
import { Subscriber } from '../../helpers/sse.mjs'
import { liveAttributes } from '../../helpers/markup.mjs'
import { freePort } from '../../helpers/server.mjs'
import { startNginx } from '../../helpers/nginx.mjs'

let server, nginx, proxied
// this machine's own address that is not loopback: a client that reaches Hearth without nginx
const direct = Object.values(networkInterfaces()).flat().find((i) => i.family === 'IPv4' && !i.internal)?.address

before(async () => {
  const port = await freePort()
  server = await startServerWithSuperuser({
    port,
    args: ['--http', `0.0.0.0:${port}`], // so that a direct client can come from `direct`
    env: { HEARTH_LIMIT_FAILED_LOGINS: '3/600', HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_POSTS: '1000/60' },
  })
  const res = await api(server, 'PATCH', '/api/settings', { token: server.superuserToken, body: { trustedProxy: { headers: ['X-Forwarded-For'], useLeftmostIP: false } } })
  assert.equal(res.status, 200, res.text)
  nginx = await startNginx(server)
  proxied = { url: nginx.url, port: nginx.port } // what tests/helpers take for a server
})
after(async () => {
  await nginx?.stop()
  await server?.stop()
})

/**
 * send posts a form over http(s) from a chosen local address, as a browser on that page would
 * (Origin is the base). Resolves with { status, cookies: [Set-Cookie lines] }.
 */
function send(base, path, form, { localAddress, headers = {} } = {}) {
  const url = new URL(path, base)
  const body = new URLSearchParams(form).toString()
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', rejectUnauthorized: false,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body), Origin: new URL(base).origin, ...headers },
      ...(localAddress ? { localAddress } : {}),
    }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode, cookies: res.headers['set-cookie'] ?? [] }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const session = (res) => res.cookies.find((c) => c.startsWith('hearth_session=')) ?? ''

test('live updates arrive through nginx at once', async () => {
  const [reader, writer] = await Promise.all([signUp(proxied), signUp(proxied)])
  const slug = await createRoom(writer)
  await reader.post(`/rooms/${slug}/membership`, {})
  const tab = new Subscriber(reader)
  await tab.connect()
  const { topic } = liveAttributes((await reader.get(`/rooms/${slug}`)).text)
  assert.equal((await tab.subscribe([topic])).status, 200, 'subscribed through nginx: the address check saw one browser')
  try {
    for (let i = 0; i < 3; i++) {
      const text = uniqueText('through nginx')
      const sent = performance.now()
      await postMessage(writer, slug, text)
      const events = await tab.waitFor((evs) => evs.some((e) => e.html.includes(text)), 2000)
      const delay = events.find((e) => e.html.includes(text)).at - sent
      assert.ok(delay < 1000, `event ${i} arrived ${Math.round(delay)} ms after the post was sent`)
    }
  } finally {
    tab.close()
  }
})

test('X-Forwarded-Proto counts only from the proxy: the session cookie is Secure through nginx over https only', async () => {
  const person = await signUp(proxied)
  const form = { username: person.username, password: PASSWORD }

  const overHttps = await send(nginx.tlsUrl, '/login', form, { localAddress: '127.0.0.6' })
  assert.equal(overHttps.status, 303)
  assert.match(session(overHttps), /; Secure/)

  const overHttp = await send(nginx.url, '/login', form, { localAddress: '127.0.0.6', headers: { 'X-Forwarded-Proto': 'https' } })
  assert.equal(overHttp.status, 303)
  assert.match(session(overHttp), /^hearth_session=/)
  assert.doesNotMatch(session(overHttp), /Secure/, 'nginx replaced the forged https')

  if (!direct) return
  const base = `http://${direct}:${server.port}`
  const forged = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' }
  const plain = await send(base, '/login', form, { headers: forged })
  assert.equal(plain.status, 303)
  assert.match(session(plain), /^hearth_session=/)
  assert.doesNotMatch(session(plain), /Secure/, 'a direct client is not believed')
  // nor does its https Origin pass as this site's own
  assert.equal((await send(base, '/login', form, { headers: { ...forged, Origin: `https://${direct}:${server.port}` } })).status, 403)
})

// last: it spends the direct client's failed log-ins, and a refused client's log-in is not checked at all
test('the failed log-in limit keys on the address nginx saw; a forged X-Forwarded-For changes nothing', async () => {
  const victim = await signUp(proxied)
  const wrong = { username: victim.username, password: 'not-the-password' }
  const viaNginx = (localAddress, forged = `198.51.100.${Math.floor(Math.random() * 250)}`) =>
    send(nginx.url, '/login', wrong, { localAddress, headers: { 'X-Forwarded-For': forged } })

  for (let i = 0; i < 3; i++) assert.notEqual((await viaNginx('127.0.0.2')).status, 429, `attempt ${i + 1} from 127.0.0.2`)
  assert.equal((await viaNginx('127.0.0.2')).status, 429, 'the fourth from 127.0.0.2, whatever it forged')
  assert.notEqual((await viaNginx('127.0.0.3')).status, 429, 'another browser behind the same nginx has its own count')

  if (!direct) return
  // a client that reaches Hearth without nginx cannot charge (or hide behind) another address
  for (let i = 0; i < 4; i++) await send(`http://${direct}:${server.port}`, '/login', wrong, { headers: { 'X-Forwarded-For': '127.0.0.4' } })
  assert.notEqual((await viaNginx('127.0.0.4')).status, 429, 'the forged address was not charged')
  assert.equal((await send(`http://${direct}:${server.port}`, '/login', wrong, { headers: { 'X-Forwarded-For': '127.0.0.5' } })).status, 429, 'the direct client was')
})
