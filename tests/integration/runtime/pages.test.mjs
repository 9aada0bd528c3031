// The site around the chat: the home page, the 404 page, page titles, avatars, the personal
// stylesheet, static files, and PocketBase's own dashboard and API beside Hearth's pages.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../../helpers/server.mjs'
import { Visitor, signUp, createRoom } from '../../helpers/browserless.mjs'
import { userIdOf, roomIdOf } from '../../helpers/admin.mjs'
import { title } from '../../helpers/markup.mjs'

let server
// the same two people throughout (sign-ups are slow)
let alice, bob
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600' } })
  ;[alice, bob] = await Promise.all([signUp(server), signUp(server)])
})
after(async () => { await server?.stop() })

test('the home page sends guests to log in and signed-in people to their rooms', async () => {
  const guest = await new Visitor(server).get('/')
  assert.equal(guest.status, 303)
  assert.equal(guest.location, '/login')
  const v = alice
  const home = await v.get('/')
  assert.equal(home.status, 303)
  assert.equal(home.location, '/rooms')
})

test('an unknown address is a 404 page in the site layout, for guests and signed-in people', async () => {
  const guest = await new Visitor(server).get('/no/such/page')
  assert.equal(guest.status, 404)
  assert.match(guest.headers.get('content-type'), /^text\/html/)
  assert.equal(title(guest.text), 'Not found · Hearth')
  assert.match(guest.text, /<header class="site">/)
  assert.match(guest.text, /<h1>Not found<\/h1>/)
  assert.match(guest.text, /<p class="error-message" role="alert">There is no page at this address.<\/p>/)
  assert.match(guest.text, /<a href="\/login">Log in<\/a>/)

  const v = alice
  const signedIn = await v.get('/rooms/lobby/nothing-here')
  assert.equal(signedIn.status, 404)
  assert.match(signedIn.text, new RegExp(`@${v.username}<`))
  assert.match(signedIn.text, /<a href="\/">Back to your rooms<\/a>/)
  // nor does a POST to nowhere find anything
  assert.equal((await v.post('/no/such/page', {})).status, 404)
})

test('each page has its own title', async () => {
  const guest = new Visitor(server)
  assert.equal(title((await guest.get('/login')).text), 'Log in · Hearth')
  assert.equal(title((await guest.get('/signup')).text), 'Sign up · Hearth')
  const v = alice
  assert.equal(title((await v.get('/rooms')).text), 'Rooms · Hearth')
  assert.equal(title((await v.get('/rooms/lobby')).text), 'Lobby · Hearth')
  assert.equal(title((await v.get('/rooms/lobby/members')).text), 'Members of Lobby · Hearth')
  assert.equal(title((await v.get('/logout')).text), 'Log out · Hearth')
})

test('a page that only takes GET answers a POST with 405', async () => {
  const v = alice
  for (const path of ['/me/style.css', `/avatars/${v.username}`, '/rooms/lobby']) {
    const res = await v.post(path, {})
    assert.equal(res.status, 405, path)
    assert.match(res.text, /This page does not accept that kind of request./)
    assert.match(res.text, /<header class="site">/)
  }
})

test('a route of handlers only: JSON answers never cached, and a method it has no handler for is a 405 saying which it takes', async () => {
  const v = alice
  const events = await v.get('/rooms/lobby/events?after=0')
  assert.equal(events.status, 200)
  assert.match(events.headers.get('content-type'), /^application\/json/)
  assert.match(events.headers.get('cache-control'), /no-store/)
  assert.equal(typeof JSON.parse(events.text).position, 'number')
  // POST-only: no template, a GET is refused by the runtime (here in the route's own JSON error page)
  const subscribe = await v.get('/realtime/subscriptions')
  assert.equal(subscribe.status, 405)
  assert.equal(subscribe.headers.get('allow'), 'POST')
  assert.deepEqual(JSON.parse(subscribe.text), { status: 405, message: 'This page does not accept that kind of request.' })
  // a route whose GET only redirects and whose POST acts takes no other method
  const events405 = await v.post('/rooms/lobby/events', {})
  assert.equal(events405.status, 405)
  assert.equal(events405.headers.get('allow'), 'GET, HEAD')
  const removal = await v.get(`/rooms/lobby/members/${bob.username}/removal`)
  assert.equal(removal.status, 303)
})

test('avatars are SVG images for signed-in people, 401 for guests and 404 for nobody', async () => {
  const v = alice
  const res = await v.get(`/avatars/${v.username}`)
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('content-type'), 'image/svg+xml')
  assert.match(res.headers.get('cache-control'), /private/)
  assert.match(res.text, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/)
  assert.doesNotMatch(res.text, /<html|<header/)
  // the person's initials are drawn (a username like user_ab12 gives "UA")
  const initials = (v.username.split(/[_]/)[0][0] + v.username.split(/[_]/).at(-1)[0]).toUpperCase()
  assert.match(res.text, new RegExp(`<text[^>]*>${initials}</text>`))
  // the same person always gets the same picture
  assert.equal((await v.get(`/avatars/${v.username}`)).text, res.text)

  const guest = await new Visitor(server).get(`/avatars/${v.username}`)
  assert.equal(guest.status, 401)
  assert.match(guest.text, /Log in to see avatars./)
  assert.doesNotMatch(guest.headers.get('content-type'), /svg/)

  const nobody = await v.get('/avatars/nobody_called_this')
  assert.equal(nobody.status, 404)
})

test("/me/style.css shows a person's actions on their own messages and in the rooms they own", async () => {
  const v = alice
  const id = await userIdOf(v)
  const slug = await createRoom(v)
  const roomId = await roomIdOf(v, slug)
  const res = await v.get('/me/style.css')
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('content-type'), 'text/css; charset=utf-8')
  assert.equal(res.headers.get('cache-control'), 'private, no-store')
  assert.match(res.text, new RegExp(`\\.message\\[data-author="${id}"\\] \\.edit-action`))
  assert.match(res.text, new RegExp(`\\.room\\[data-room="${roomId}"\\] \\.delete-action \\{ display: inline-flex; \\}`))
  assert.doesNotMatch(res.text, /<html|<header/)
  // someone else's stylesheet names neither
  const other = bob
  const theirs = await other.get('/me/style.css')
  assert.ok(!theirs.text.includes(id) && !theirs.text.includes(roomId))
  // the layout links it for signed-in people only
  assert.match((await v.get('/rooms')).text, /<link rel="stylesheet" href="\/me\/style.css">/)
  assert.doesNotMatch((await new Visitor(server).get('/login')).text, /\/me\/style.css/)

  const guest = await new Visitor(server).get('/me/style.css')
  assert.equal(guest.status, 303)
  assert.equal(guest.location, '/login?next=%2Fme%2Fstyle.css')
})

test('static files are served from pb_public, vendored ones cached for good', async () => {
  const guest = new Visitor(server)
  const css = await guest.get('/hearth.css')
  assert.equal(css.status, 200)
  assert.match(css.headers.get('content-type'), /^text\/css/)
  const icon = await guest.get('/favicon.svg')
  assert.equal(icon.status, 200)
  assert.match(icon.headers.get('content-type'), /^image\/svg\+xml/)
  const htmx = await guest.get('/vendor/htmx.min.js')
  assert.equal(htmx.status, 200)
  assert.match(htmx.headers.get('content-type'), /javascript/)
  assert.equal(htmx.headers.get('cache-control'), 'public, max-age=31536000, immutable')
  // the layout links them
  const page = await guest.get('/login')
  for (const asset of ['/hearth.css', '/vendor/htmx.min.js', '/min/hearth-page.js']) {
    assert.match(page.text, new RegExp(`"${asset.replace(/\./g, '\\.')}\\?v=[^"]+"`))
    const served = await guest.get(asset)
    assert.equal(served.status, 200, asset)
  }
  // one minified file built from the readable scripts in pb_public/ (make build), each of them in it
  const bundle = (await guest.get('/min/hearth-page.js')).text
  let readable = 0
  for (const script of ['hearth', 'hearth-timeline', 'hearth-room', 'hearth-deletion', 'hearth-realtime', 'hearth-composer', 'hearth-unread']) {
    const text = (await guest.get(`/${script}.js`)).text
    readable += text.length
    const said = /'(hearth:[a-z]+)'/.exec(text)?.[1] ?? /'(\/[a-z/-]+)'/.exec(text)?.[1]
    if (said) assert.ok(bundle.includes(said), `${script}.js is in the bundle (${said})`)
  }
  assert.ok(bundle.length < readable / 2, 'and minified')
  assert.equal((await guest.get('/no-such-file.css')).status, 404)
})

test("PocketBase's dashboard and health check still answer beside Hearth's pages", async () => {
  const dashboard = await fetch(`${server.url}/_/`)
  assert.equal(dashboard.status, 200)
  assert.match(dashboard.headers.get('content-type'), /^text\/html/)
  assert.match(await dashboard.text(), /PocketBase/i)
  const health = await fetch(`${server.url}/api/health`)
  assert.equal(health.status, 200)
  assert.equal((await health.json()).code, 200)
  // no page answers under /api/, even where PocketBase has no route
  assert.equal((await fetch(`${server.url}/api/no-such-route`)).status, 404)
})

test('the lobby survives a restart, once', async () => {
  const v = alice
  await server.restart()
  const page = await v.get('/rooms/lobby')
  assert.equal(page.status, 200, 'the session and the lobby are still there')
  const list = await v.get('/rooms')
  assert.equal([...list.text.matchAll(/href="\/rooms\/lobby"/g)].length, 1)
})

test('pages and static files are gzipped for browsers that accept it, and htmx is cached for good', async () => {
  for (const path of ['/login', '/hearth.css', '/vendor/htmx.min.js?v=x']) {
    const res = await fetch(server.url + path, { headers: { 'Accept-Encoding': 'gzip' } })
    assert.equal(res.status, 200, path)
    assert.equal(res.headers.get('content-encoding'), 'gzip', path)
  }
  const htmx = await fetch(`${server.url}/vendor/htmx.min.js?v=x`)
  assert.match(htmx.headers.get('cache-control'), /immutable/)
  const plain = await fetch(`${server.url}/login`, { headers: { 'Accept-Encoding': 'identity' } })
  assert.equal(plain.headers.get('content-encoding'), null)
})
