// Profile pictures: a person uploads one on /me/picture (a plain multipart form); it shows beside
// their messages (old ones too, after a reload: the fragment's key follows its author), in the room
// list's direct messages and on the members page. The admin's upload limit refuses a bigger file
// with 413 and the page; a file that is not a PNG, JPEG, WebP or GIF is a 422 whatever its name
// says; a cut-off body is a 400. The API shows the picture no further than the pages do.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServerWithSuperuser, api, userIdOf } from '../../helpers/admin.mjs'
import { Visitor, signUp, createRoom, postMessage, apiToken, uniqueName, rawPost, PASSWORD } from '../../helpers/browserless.mjs'
import { fieldError, messageItem } from '../../helpers/markup.mjs'
import { PNG, GIF, pngOf, pictureForm } from '../../helpers/pictures.mjs'
import { followRoom } from '../../helpers/sse.mjs'
import { liveAttributes } from '../../helpers/markup.mjs'

let server, admin, alice, bob, aliceId, slug
before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_UPLOAD_MAX: '100' } })
  admin = new Visitor(server)
  admin.username = uniqueName('admin')
  assert.equal((await admin.post('/setup', { username: admin.username, password: PASSWORD, passwordConfirm: PASSWORD })).status, 303)
  ;[alice, bob] = await Promise.all([signUp(server), signUp(server)])
  aliceId = await userIdOf(alice)
  slug = await createRoom(alice)
  assert.equal((await bob.post(`/rooms/${slug}/membership`, {})).status, 303)
})
const open = []
after(async () => {
  for (const s of open) s.close()
  await server?.stop()
})

/** avatarOf is the src of a message's avatar on a page. */
const avatarOf = (html, id) => /<img class="avatar" src="([^"]+)"/.exec(messageItem(html, id))[1].replace(/&amp;/g, '&')

/** pictureOf is a person's picture file name, read as a superuser. */
async function pictureOf(id) {
  return (await api(server, 'GET', `/api/collections/users/records/${id}`, { token: server.superuserToken })).json.avatar
}

test('an uploaded picture shows beside old and new messages, the same for every reader', async () => {
  const before = await postMessage(alice, slug, 'posted with my initials')
  assert.equal(avatarOf((await bob.get(`/rooms/${slug}`)).text, before), `/avatars/${aliceId}`)

  const page = await alice.get('/me/picture')
  assert.match(page.text, /<form method="post" action="\/me\/picture" enctype="multipart\/form-data"/)
  assert.match(page.text, /at most 100 KB/, 'HEARTH_UPLOAD_MAX is the default')
  const saved = await alice.upload('/me/picture', pictureForm(PNG))
  assert.equal(saved.status, 303, saved.text.slice(0, 300))
  assert.equal(saved.location, '/me/picture?saved')
  const file = await pictureOf(aliceId)
  assert.match(file, /\.png$/)

  const after = await postMessage(alice, slug, 'posted with my picture')
  const room = (await bob.get(`/rooms/${slug}`)).text
  const url = `/avatars/${aliceId}?v=${encodeURIComponent(file)}`
  assert.equal(avatarOf(room, before), url, 'the old message shows the new picture after a reload')
  assert.equal(avatarOf(room, after), url)
  // the fragment is shared: what alice's own view shows of her message is what bob's does
  assert.equal(messageItem((await alice.get(`/rooms/${slug}`)).text, before), messageItem(room, before))
  assert.doesNotMatch(messageItem(room, (await postMessage(bob, slug, 'mine has no picture'))), /\?v=/)

  const served = await fetch(server.url + url, { headers: { Cookie: bob.cookieHeader() } })
  assert.equal(served.status, 200)
  assert.equal(served.headers.get('content-type'), 'image/png')
  assert.match(served.headers.get('cache-control'), /immutable/)
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), PNG)
  assert.equal((await fetch(server.url + url)).status, 401, 'guests see no faces')
})

test('the picture shows in the room list\'s direct messages and on the members page', async () => {
  assert.equal((await bob.post(`/people/${alice.username}/conversation`, {})).status, 303)
  const file = encodeURIComponent(await pictureOf(aliceId))
  const rooms = (await bob.get('/rooms')).text
  assert.match(rooms, new RegExp(`<img class="avatar[^"]*" src="/avatars/${aliceId}\\?v=${file}"`))
  const members = (await bob.get(`/rooms/${slug}/members`)).text
  assert.match(members, new RegExp(`<img class="avatar small" src="/avatars/${aliceId}\\?v=${file}"`))
})

test('a file over the admin\'s limit is a 413 with the page; the limit is a setting', async () => {
  const big = await bob.upload('/me/picture', pictureForm(pngOf(150 * 1024)))
  assert.equal(big.status, 413)
  assert.match(big.text, /<header class="site">/, 'the page, not a bare error')
  assert.match(fieldError(big.text, 'avatar'), /at most 100 KB; this one has 150 KB/)

  const bad = await admin.post('/admin/settings', { registration: 'open', uploadMax: '999999' })
  assert.equal(bad.status, 422)
  assert.match(fieldError(bad.text, 'uploadMax'), /from 1 to 5120/)
  assert.equal((await admin.post('/admin/settings', { registration: 'open', uploadMax: '200' })).status, 303)
  assert.equal((await bob.upload('/me/picture', pictureForm(pngOf(150 * 1024)))).status, 303, 'applies at once')
  assert.equal((await admin.post('/admin/settings', { registration: 'open', uploadMax: '2' })).status, 303)
  assert.equal((await bob.upload('/me/picture', pictureForm(pngOf(3 * 1024)))).status, 413)
  assert.equal((await admin.post('/admin/settings', { registration: 'open' })).status, 303)
  // over users.avatar's own 5 MB the body is not read at all; still the page, with the reason
  const huge = await bob.upload('/me/picture', pictureForm(pngOf(6 << 20)))
  assert.equal(huge.status, 413)
  assert.match(huge.text, /<header class="site">/, 'the page, not a bare error')
  assert.match(fieldError(huge.text, 'avatar'), /at most 100 KB; this one is larger/)
  // and to a guest, the way to log in, never the page
  const guest = await new Visitor(server).upload('/me/picture', pictureForm(pngOf(6 << 20)))
  assert.equal(guest.status, 303)
  assert.match(guest.headers.get('location') ?? '', /^\/login/)
})

test('only PNG, JPEG, WebP and GIF, told from the bytes, not the name: 422', async () => {
  const gif = await bob.upload('/me/picture', pictureForm(GIF, 'face.gif', 'image/gif'))
  assert.equal(gif.status, 303)
  for (const [bytes, name, type] of [
    [Buffer.from('<html><script>alert(1)</script></html>'), 'face.png', 'image/png'],
    [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'face.png', 'image/png'],
    [Buffer.from('just some text'), 'face.jpg', 'image/jpeg'],
  ]) {
    const res = await bob.upload('/me/picture', pictureForm(bytes, name, type))
    assert.equal(res.status, 422, name)
    assert.equal(fieldError(res.text, 'avatar'), 'Choose a PNG, JPEG, WebP or GIF picture.')
  }
  const none = await bob.upload('/me/picture', new FormData())
  assert.equal(none.status, 422)
  assert.equal(fieldError(none.text, 'avatar'), 'Choose a picture first.')
  assert.match(await pictureOf(await userIdOf(bob)), /\.gif$/, 'the last good picture stays')
})

test('a cut-off multipart body is a 400, never a 500; cross-site and guest uploads are refused', async () => {
  const boundary = 'hearthboundary'
  const whole = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="avatar"; filename="me.png"\r\nContent-Type: image/png\r\n\r\n`),
    pngOf(4096),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  for (const chunked of [false, true]) {
    const res = await rawPost(server, '/me/picture', whole.subarray(0, 2000), { type: `multipart/form-data; boundary=${boundary}`, cookie: bob.cookieHeader(), chunked })
    assert.equal(res.status, 400, `chunked: ${chunked}: ${res.text.slice(0, 200)}`)
  }
  assert.equal((await bob.upload('/me/picture', pictureForm(PNG), { origin: 'https://evil.example' })).status, 403)
  const guest = await new Visitor(server).upload('/me/picture', pictureForm(PNG))
  assert.equal(guest.status, 303)
  assert.match(guest.location, /^\/login/)
})

test('the API reveals a picture only as the pages do, and changes none', async () => {
  const file = await pictureOf(aliceId)
  const guestList = await api(server, 'GET', '/api/collections/users/records')
  assert.ok(guestList.status === 403 || guestList.json.items.length === 0, 'guests list nobody')
  assert.notEqual((await fetch(`${server.url}/api/files/users/${aliceId}/${file}`)).status, 200, 'no file without a file token')
  const token = await apiToken(server, bob.username)
  const changed = await fetch(`${server.url}/api/collections/users/records/${await userIdOf(bob)}`, {
    method: 'PATCH', headers: { Authorization: token }, body: pictureForm(PNG),
  })
  assert.notEqual(changed.status, 200, 'people change their picture on the page only')
})

test('removing the picture brings the initials back', async () => {
  const res = await alice.post('/me/picture/removal', {})
  assert.equal(res.status, 303)
  assert.equal(await pictureOf(aliceId), '')
  const id = await postMessage(alice, slug, 'initials again')
  assert.equal(avatarOf((await bob.get(`/rooms/${slug}`)).text, id), `/avatars/${aliceId}`)
})

test('a new picture reaches the open tabs of its owner\'s rooms at once, as a signal that is never kept', async () => {
  const signals = (sse, topic) => sse.named(topic).filter((e) => e.html.includes('data-signal="picture"'))
  const topic = liveAttributes((await bob.get(`/rooms/${slug}`)).text).topic
  const bobTab = await followRoom(server, bob, topic, open)
  const carol = await signUp(server)
  const elsewhere = await createRoom(carol)
  const carolTab = await followRoom(server, carol, liveAttributes((await carol.get(`/rooms/${elsewhere}`)).text).topic, open)

  assert.equal((await alice.upload('/me/picture', pictureForm(pngOf(2048)))).status, 303)
  const file = await pictureOf(aliceId)
  await bobTab.waitFor((s) => signals(s, topic).length === 1)
  const [signal] = signals(bobTab, topic)
  assert.equal(signal.html.trim(), `<i hidden data-signal="picture" data-person="${aliceId}" data-src="/avatars/${aliceId}?v=${encodeURIComponent(file)}"></i>`)
  assert.equal(signal.seq, undefined, 'no position')
  const events = JSON.parse((await bob.get(`/rooms/${slug}/events?after=0`)).text).events
  assert.ok(!events.some((e) => e.html.includes('data-signal="picture"')), 'catch-up never replays it')

  // a rename changes no face; taking the picture away shows the initials
  const renamed = await api(server, 'PATCH', `/api/collections/users/records/${aliceId}`, { token: server.superuserToken, body: { name: 'Alice Renamed' } })
  assert.equal(renamed.status, 200)
  assert.equal((await alice.post('/me/picture/removal', {})).status, 303)
  await bobTab.waitFor((s) => signals(s, topic).length === 2)
  assert.match(signals(bobTab, topic)[1].html, new RegExp(`data-src="/avatars/${aliceId}"`), 'the rename sent none')
  assert.equal(carolTab.received().length, 0, 'a room she is not in hears nothing')
})

test('a new picture also reaches the rooms its owner has left, where their messages still show', async () => {
  const signals = (sse, topic) => sse.named(topic).filter((e) => e.html.includes('data-signal="picture"'))
  const dave = await signUp(server)
  const left = await createRoom(dave)
  assert.equal((await alice.post(`/rooms/${left}/membership`, {})).status, 303)
  await postMessage(alice, left, 'hello, and goodbye')
  assert.equal((await alice.post(`/rooms/${left}/membership`, { leave: '1' })).status, 303)
  const topic = liveAttributes((await dave.get(`/rooms/${left}`)).text).topic
  const daveTab = await followRoom(server, dave, topic, open)

  assert.equal((await alice.upload('/me/picture', pictureForm(pngOf(4096)))).status, 303)
  const file = await pictureOf(aliceId)
  await daveTab.waitFor((s) => signals(s, topic).length === 1)
  const signal = signals(daveTab, topic)[0].html
  assert.ok(signal.includes(`data-src="/avatars/${aliceId}?v=${encodeURIComponent(file)}"`), signal)
})

test('pictures changed too often are refused with 429 beside the file field, however many come at once', async () => {
  const eve = await signUp(server)
  // a file that is no picture changes nothing and gives its slot back
  for (let i = 0; i < 12; i++) assert.equal((await eve.upload('/me/picture', pictureForm(Buffer.from('just some text'), 'face.png'))).status, 422)
  const tries = await Promise.all(Array.from({ length: 15 }, (_, i) => eve.upload('/me/picture', pictureForm(pngOf(1024 + i)))))
  const statuses = tries.map((r) => r.status).sort()
  assert.deepEqual(statuses, [...Array(10).fill(303), ...Array(5).fill(429)], 'ten of the fifteen (HEARTH_LIMIT_PICTURES 10/600)')
  const refused = tries.find((r) => r.status === 429)
  assert.match(fieldError(refused.text, 'avatar'), /changing your picture too often/)
  // taking it away counts too
  const removal = await eve.post('/me/picture/removal', {})
  assert.equal(removal.status, 429)
  assert.match(removal.text, /changing your picture too often/)
})
