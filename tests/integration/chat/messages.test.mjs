// Messages: posting (form and htmx), the one-time token, editing, deleting, and older pages.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer, serverErrors } from '../../helpers/server.mjs'
import { signUp, createRoom, postMessage, nonce, apiToken } from '../../helpers/browserless.mjs'
import { fieldError, messageIds, messageItem, composerForm, bodyText, nonceOf, dataNumberOf, liveAttributes } from '../../helpers/markup.mjs'
import { userIdOf, api } from '../../helpers/admin.mjs'

let server
// the same three people throughout (sign-ups are slow); each test makes its own rooms
let owner, member, outsider
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_POSTS: '1000/60', HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_ROOMS: '1000/3600', HEARTH_LIMIT_MEMBERSHIPS: '1000/60', HEARTH_LIMIT_EDITS: '1000/60' } })
  ;[owner, member, outsider] = await Promise.all([signUp(server), signUp(server), signUp(server)])
})
after(async () => { await server?.stop() })

/** a new room of the owner's, with the member in it */
async function roomWithTwo(kind = 'public') {
  const slug = await createRoom(owner, { kind })
  if (kind === 'public') await member.post(`/rooms/${slug}/membership`, {})
  else await owner.post(`/rooms/${slug}/members`, { username: member.username })
  return { owner, member, slug }
}

test('a posted message is shown in the room as Markdown, with its author, and the browser goes back to it', async () => {
  const { owner, slug } = await roomWithTwo()
  const res = await owner.post(`/rooms/${slug}/messages`, { body: '  **bold** move, see https://example.com  ', nonce: nonce() })
  assert.equal(res.status, 303)
  const [path, id] = res.location.split('#message-')
  assert.equal(path, `/rooms/${slug}`)
  const page = await owner.get(path)
  const li = messageItem(page.text, id)
  assert.ok(li, 'the message is on the page')
  // the display name and, beside it, the @username nobody else can have
  assert.match(li, new RegExp(`<strong class="author"><a class="author-name" href="/people/${await userIdOf(owner)}" tabindex="-1">${owner.username}</a> <span class="handle">@${owner.username}</span></strong>`))
  assert.match(li, /<div class="body"><p><strong>bold<\/strong> move, see <a href="https:\/\/example.com" rel="nofollow noopener noreferrer" target="_blank">https:\/\/example.com<\/a><\/p><\/div>/)
  assert.match(li, new RegExp(`data-author="${await userIdOf(owner)}"`))
  assert.doesNotMatch(page.text, /No messages yet/)
})

test('what people type is never HTML, and only http(s) and mailto links become links', async () => {
  const { owner, slug } = await roomWithTwo()
  const id = await postMessage(owner, slug, '<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3))')
  const li = messageItem((await owner.get(`/rooms/${slug}`)).text, id)
  assert.match(li, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
  assert.match(li, /&lt;img src=x onerror=alert\(2\)&gt;/)
  assert.doesNotMatch(li, /<script>|<img src=x|href="javascript:/)
})

test('with htmx, a post answers 200 with the new message and a fresh, empty composer, without the layout', async () => {
  const { owner, slug } = await roomWithTwo()
  const sent = nonce()
  const res = await owner.htmxPost(`/rooms/${slug}/messages`, { body: 'sent with htmx', nonce: sent })
  assert.equal(res.status, 200)
  assert.doesNotMatch(res.text, /<html|<header class="site">/)
  const form = composerForm(res.text)
  assert.ok(form, 'the composer comes back')
  assert.equal(bodyText(form), '')
  assert.ok(nonceOf(form) && nonceOf(form) !== sent, 'the composer has a new one-time token')
  assert.equal(fieldError(form, 'body'), null)
  const ids = messageIds(res.text)
  assert.equal(ids.length, 1)
  assert.match(messageItem(res.text, ids[0]), /<p>sent with htmx<\/p>/)
  assert.deepEqual(messageIds((await owner.get(`/rooms/${slug}`)).text), ids)
})

test('with htmx, an empty post answers 422 with the composer showing the error, and nothing is posted', async () => {
  const { owner, slug } = await roomWithTwo()
  const res = await owner.htmxPost(`/rooms/${slug}/messages`, { body: '   ', nonce: nonce() })
  assert.equal(res.status, 422)
  assert.doesNotMatch(res.text, /<html|<header class="site">/)
  assert.equal(fieldError(composerForm(res.text), 'body'), 'Write something first.')
  assert.match(composerForm(res.text), /aria-invalid="true" aria-describedby="body-error"/)
  assert.deepEqual(messageIds(res.text), [])
  assert.deepEqual(messageIds((await owner.get(`/rooms/${slug}`)).text), [])
})

test('an empty or blank message answers 422 with the room and the error under the composer', async () => {
  const { owner, slug } = await roomWithTwo()
  const earlier = await postMessage(owner, slug, 'already here')
  for (const body of ['', '   \n  ']) {
    const res = await owner.post(`/rooms/${slug}/messages`, { body, nonce: nonce() })
    assert.equal(res.status, 422)
    assert.match(res.text, /<header class="site">/)
    assert.equal(fieldError(composerForm(res.text), 'body'), 'Write something first.')
    assert.deepEqual(messageIds(res.text), [earlier], 'the room is shown around the form')
  }
  const missing = await owner.post(`/rooms/${slug}/messages`, {})
  assert.equal(missing.status, 422)
  assert.deepEqual(messageIds((await owner.get(`/rooms/${slug}`)).text), [earlier])
})

test('a message over 4000 characters answers 422 with the count, and what was typed is kept', async () => {
  const { owner, slug } = await roomWithTwo()
  const body = 'a'.repeat(4001)
  const res = await owner.post(`/rooms/${slug}/messages`, { body, nonce: nonce() })
  assert.equal(res.status, 422)
  assert.equal(fieldError(res.text, 'body'), 'Messages can be at most 4000 characters; this one has 4001.')
  assert.equal(bodyText(res.text), body)
  assert.deepEqual(messageIds(res.text), [])
  // exactly 4000 is fine
  const id = await postMessage(owner, slug, 'b'.repeat(4000))
  assert.deepEqual(messageIds((await owner.get(`/rooms/${slug}`)).text), [id])
})

test('a message within the limit that formats to more than a message holds answers 422 with what was typed kept, posted or edited, never 500', async () => {
  const { owner, slug } = await roomWithTwo()
  // a reference link repeats its URL at every use: 3,919 characters become about 300 KB of HTML
  const body = `[a]: http://a.example/${'x'.repeat(300)}\n\n${'[a] '.repeat(900).trim()}`
  const from = server.logs().length
  const refusal = 'This message is too long once formatted: a link used many times counts each time. Shorten it, then send again.'
  const res = await owner.post(`/rooms/${slug}/messages`, { body, nonce: nonce() })
  assert.equal(res.status, 422, res.text.slice(0, 300))
  assert.equal(fieldError(res.text, 'body'), refusal)
  assert.equal(bodyText(res.text), body)
  assert.deepEqual(messageIds(res.text), [])
  const htmx = await owner.request('POST', `/rooms/${slug}/messages`, { form: { body, nonce: nonce() }, headers: { 'HX-Request': 'true' } })
  assert.equal(htmx.status, 422)
  assert.equal(bodyText(htmx.text), body)
  // the limit's slot was given back: the next post goes through
  const id = await postMessage(owner, slug, 'short and sweet')
  const edited = await owner.post(`/rooms/${slug}/messages/${id}/edit`, { body })
  assert.equal(edited.status, 422)
  assert.equal(fieldError(edited.text, 'body'), refusal)
  assert.ok(edited.text.includes(body), 'the edit form keeps the text')
  assert.ok(messageItem((await owner.get(`/rooms/${slug}`)).text, id).includes('short and sweet'), 'the message is as it was')
  const errors = server.logs().slice(from).split('\n').filter((line) => /GoError|Error:|^\s+at /.test(line))
  assert.deepEqual(errors, [], 'nothing logged as a server error')
})

test('a line break counts as one character however the browser sends it: 4000 with CRLF are posted and edited, stored with LF', async () => {
  const { owner, slug } = await roomWithTwo()
  // 4000 characters as the textarea's value (and the composer's counter) has them: 100 lines, 99 LF;
  // a browser sends each line break as CRLF, 4099 characters
  const typed = ['x'.repeat(40), ...Array.from({ length: 99 }, () => 'y'.repeat(39))].join('\n')
  assert.equal(typed.length, 4000)
  const sent = typed.replace(/\n/g, '\r\n')
  const res = await owner.post(`/rooms/${slug}/messages`, { body: sent, nonce: nonce() })
  assert.equal(res.status, 303, fieldError(res.text, 'body') ?? '')
  const id = res.location.split('#message-')[1]
  const stored = async () => (await api(server, 'GET', `/api/collections/messages/records/${id}`, { token: await apiToken(server, owner.username) })).json.body
  assert.equal(await stored(), typed)
  const edited = typed.replace(/y/g, 'z').replace(/\n/g, '\r\n')
  const edit = await owner.post(`/rooms/${slug}/messages/${id}/edit`, { body: edited })
  assert.equal(edit.status, 303, fieldError(edit.text, 'body') ?? '')
  assert.equal(await stored(), typed.replace(/y/g, 'z'))
  // a lone CR is a line break too, and one more character is counted as one more
  const over = await owner.post(`/rooms/${slug}/messages`, { body: `${sent.replace('\r\n', '\r')}!`, nonce: nonce() })
  assert.equal(over.status, 422)
  assert.equal(fieldError(over.text, 'body'), 'Messages can be at most 4000 characters; this one has 4001.')
})

test('a paste past the form limit answers 413 with the room and the reason beside the composer, saying where the text still is', async () => {
  const { owner, slug } = await roomWithTwo()
  const id = await postMessage(owner, slug, 'already here')
  const res = await owner.post(`/rooms/${slug}/messages`, { body: 'x'.repeat(100 << 10), nonce: nonce() })
  assert.equal(res.status, 413)
  assert.match(fieldError(res.text, 'body'), /too large: at most 64 KB.*at most 4000 characters.*go Back/)
  assert.deepEqual(messageIds(res.text), [id], 'the room, as it was')
  const edit = await owner.post(`/rooms/${slug}/messages/${id}/edit`, { body: 'x'.repeat(100 << 10) })
  assert.equal(edit.status, 413)
  assert.match(fieldError(edit.text, 'body'), /too large: at most 64 KB.*at most 4000 characters.*go Back/)
  assert.ok(edit.text.includes('already here'), 'the edit form, the message as it is')
})

test('typed HTML kept in a 422 composer stays escaped', async () => {
  const { owner, slug } = await roomWithTwo()
  const body = `</textarea><script>alert(1)</script>${'x'.repeat(4000)}`
  const res = await owner.post(`/rooms/${slug}/messages`, { body, nonce: nonce() })
  assert.equal(res.status, 422)
  assert.doesNotMatch(res.text, /<script>alert/)
  assert.match(bodyText(res.text), /^&lt;\/textarea&gt;&lt;script&gt;/)
})

test('a JSON body is not a form: posting one answers 422', async () => {
  const { owner, slug } = await roomWithTwo()
  const res = await fetch(`${server.url}/rooms/${slug}/messages`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/json', Origin: server.url, Cookie: owner.cookieHeader() },
    body: JSON.stringify({ body: 'json', nonce: nonce() }),
  })
  assert.equal(res.status, 422)
  assert.deepEqual(messageIds((await owner.get(`/rooms/${slug}`)).text), [])
})

test('a field sent twice counts once (the first), and a multipart form posts like a plain one', async () => {
  const { owner, slug } = await roomWithTwo()
  const twice = await owner.post(`/rooms/${slug}/messages`, [['body', 'the first body'], ['body', 'the second body'], ['nonce', nonce()]])
  assert.equal(twice.status, 303)
  const multipart = new FormData()
  multipart.set('body', 'sent as multipart')
  multipart.set('nonce', nonce())
  const res = await fetch(`${server.url}/rooms/${slug}/messages`, {
    method: 'POST',
    redirect: 'manual',
    headers: { Origin: server.url, Cookie: owner.cookieHeader() },
    body: multipart,
  })
  assert.equal(res.status, 303)
  const page = (await owner.get(`/rooms/${slug}`)).text
  assert.equal(messageIds(page).length, 2)
  assert.match(page, /<p>the first body<\/p>/)
  assert.doesNotMatch(page, /the second body/)
  assert.match(page, /<p>sent as multipart<\/p>/)
})

test("a form naming someone else as author still posts as the signed-in person", async () => {
  const { owner, member, slug } = await roomWithTwo()
  const res = await member.post(`/rooms/${slug}/messages`, { body: 'who wrote me?', nonce: nonce(), author: await userIdOf(owner) })
  assert.equal(res.status, 303)
  const id = res.location.split('#message-')[1]
  assert.match(messageItem((await owner.get(`/rooms/${slug}`)).text, id), new RegExp(`data-author="${await userIdOf(member)}"`))
})

test('the same form sent twice posts once, and both answers point at that message', async () => {
  const { owner, slug } = await roomWithTwo()
  const token = nonce()
  const first = await owner.post(`/rooms/${slug}/messages`, { body: 'only once', nonce: token })
  const second = await owner.post(`/rooms/${slug}/messages`, { body: 'only once', nonce: token })
  assert.equal(first.status, 303)
  assert.equal(second.status, 303)
  assert.equal(second.location, first.location)
  assert.equal(messageIds((await owner.get(`/rooms/${slug}`)).text).length, 1)
})

test('the same form sent many times at once still posts once', async () => {
  const { owner, slug } = await roomWithTwo()
  const token = nonce()
  const answers = await Promise.all(Array.from({ length: 8 }, () => owner.post(`/rooms/${slug}/messages`, { body: 'racing', nonce: token })))
  for (const res of answers) assert.equal(res.status, 303, res.text.slice(0, 300))
  assert.equal(new Set(answers.map((r) => r.location)).size, 1)
  const ids = messageIds((await owner.get(`/rooms/${slug}`)).text)
  assert.equal(ids.length, 1)
  assert.equal(answers[0].location.split('#message-')[1], ids[0])
})

test('a token sent again with other text posts that text too: nothing typed is lost, and each is sent once', async () => {
  // (the answer to a send was lost, the composer kept its token, the person changed the text and
  // sent again: the first message came back and the new text was stored nowhere)
  const { owner, slug } = await roomWithTwo()
  const token = nonce()
  const first = await postMessage(owner, slug, 'draft one', token)
  const second = await postMessage(owner, slug, 'draft one, corrected', token)
  assert.notEqual(second, first)
  assert.equal(await postMessage(owner, slug, 'draft one, corrected', token), second, 'its own retry finds it')
  assert.equal(await postMessage(owner, slug, 'draft one', token), first)
  const page = (await owner.get(`/rooms/${slug}`)).text
  assert.deepEqual(messageIds(page), [first, second])
  assert.match(messageItem(page, second), /<p>draft one, corrected<\/p>/)
})

test('a token used in one room posts in another room there', async () => {
  const { owner, slug } = await roomWithTwo()
  const { slug: other } = await roomWithTwo()
  const token = nonce()
  const here = await postMessage(owner, slug, 'same words', token)
  const res = await owner.post(`/rooms/${other}/messages`, { body: 'same words', nonce: token })
  assert.equal(res.status, 303)
  const [path, there] = res.location.split('#message-')
  assert.equal(path, `/rooms/${other}`)
  assert.notEqual(there, here)
  assert.deepEqual(messageIds((await owner.get(`/rooms/${other}`)).text), [there])
  assert.deepEqual(messageIds((await owner.get(`/rooms/${slug}`)).text), [here])
})

test('200 identical sends of a form at once store one message; other texts with the same token at once are each stored once', async () => {
  const { owner, slug } = await roomWithTwo()
  const token = nonce()
  const bodies = [...Array(200).fill('racing'), ...Array(20).fill('racing, edited'), ...Array(20).fill('racing, edited again')]
    .sort(() => Math.random() - 0.5)
  const answers = await Promise.all(bodies.map((body) => owner.post(`/rooms/${slug}/messages`, { body, nonce: token })))
  for (const res of answers) assert.equal(res.status, 303, res.text.slice(0, 300))
  const byBody = new Map()
  answers.forEach((res, i) => byBody.set(bodies[i], (byBody.get(bodies[i]) ?? new Set()).add(res.location)))
  for (const [body, locations] of byBody) assert.equal(locations.size, 1, `${body}: ${[...locations]}`)
  assert.equal(messageIds((await owner.get(`/rooms/${slug}`)).text).length, 3)
})

test('one-time tokens belong to their author: two people using the same one both post', async () => {
  const { owner, member, slug } = await roomWithTwo()
  const token = nonce()
  const a = await postMessage(owner, slug, 'from the owner', token)
  const b = await postMessage(member, slug, 'from the member', token)
  assert.notEqual(a, b)
  assert.deepEqual(messageIds((await owner.get(`/rooms/${slug}`)).text), [a, b])
})

test('posting needs membership: a reader of a public room is told to join; a private room is a 404', async () => {
  const { owner, slug } = await roomWithTwo()
  const reader = outsider
  const res = await reader.post(`/rooms/${slug}/messages`, { body: 'let me in', nonce: nonce() })
  assert.equal(res.status, 403)
  assert.match(res.text, /Join this room to post in it./)
  const secret = await createRoom(owner, { kind: 'private' })
  const hidden = await reader.post(`/rooms/${secret}/messages`, { body: 'let me in', nonce: nonce() })
  assert.equal(hidden.status, 404)
  assert.match(hidden.text, /There is no room here, or it is private./)
  assert.deepEqual(messageIds((await owner.get(`/rooms/${slug}`)).text), [])
  assert.deepEqual(messageIds((await owner.get(`/rooms/${secret}`)).text), [])
})

test('posting to a room that does not exist is a 404 page in the site layout', async () => {
  const v = outsider
  const res = await v.post('/rooms/no-such-room-here/messages', { body: 'hello?', nonce: nonce() })
  assert.equal(res.status, 404)
  assert.match(res.text, /<header class="site">/)
  assert.match(res.text, /<h1>Not found<\/h1>/)
})

test('the messages and message addresses lead back to the room', async () => {
  const { owner, slug } = await roomWithTwo()
  const id = await postMessage(owner, slug, 'link to me')
  assert.equal((await owner.get(`/rooms/${slug}/messages`)).location, `/rooms/${slug}`)
  assert.equal((await owner.get(`/rooms/${slug}/messages/${id}`)).location, `/rooms/${slug}#message-${id}`)
})

test('an author edits their message: the form is filled in, and the room shows the new text marked edited', async () => {
  const { owner, slug } = await roomWithTwo()
  const id = await postMessage(owner, slug, 'first draft')
  const form = await owner.get(`/rooms/${slug}/messages/${id}/edit`)
  assert.equal(form.status, 200)
  assert.equal(bodyText(form.text), 'first draft')
  const res = await owner.post(`/rooms/${slug}/messages/${id}/edit`, { body: 'second _draft_' })
  assert.equal(res.status, 303)
  assert.equal(res.location, `/rooms/${slug}#message-${id}`)
  const li = messageItem((await owner.get(`/rooms/${slug}`)).text, id)
  assert.match(li, /<p>second <em>draft<\/em><\/p>/)
  assert.match(li, /<span class="edited">\(edited\)<\/span>/)
})

test('an edit with bad input answers 422 with the error and the typed text kept; the message is unchanged', async () => {
  const { owner, slug } = await roomWithTwo()
  const id = await postMessage(owner, slug, 'keep me')
  const empty = await owner.post(`/rooms/${slug}/messages/${id}/edit`, { body: '  ' })
  assert.equal(empty.status, 422)
  assert.equal(fieldError(empty.text, 'body'), 'Write something first.')
  const long = 'z'.repeat(4001)
  const tooLong = await owner.post(`/rooms/${slug}/messages/${id}/edit`, { body: long })
  assert.equal(tooLong.status, 422)
  assert.equal(fieldError(tooLong.text, 'body'), 'Messages can be at most 4000 characters; this one has 4001.')
  assert.equal(bodyText(tooLong.text), long)
  const li = messageItem((await owner.get(`/rooms/${slug}`)).text, id)
  assert.match(li, /<p>keep me<\/p>/)
  assert.doesNotMatch(li, /\(edited\)/)
})

test("a member cannot edit someone else's message (403), even the room owner", async () => {
  const { owner, member, slug } = await roomWithTwo()
  const id = await postMessage(member, slug, 'mine alone')
  for (const v of [owner, outsider]) {
    assert.equal((await v.get(`/rooms/${slug}/messages/${id}/edit`)).status, 403)
    const res = await v.post(`/rooms/${slug}/messages/${id}/edit`, { body: 'hijacked' })
    assert.equal(res.status, 403)
    assert.match(res.text, /You can only edit your own messages./)
  }
  assert.match(messageItem((await owner.get(`/rooms/${slug}`)).text, id), /<p>mine alone<\/p>/)
})

test('a message is only found in its own room: another room\'s message id, or an unknown one, is a 404', async () => {
  const { owner, slug } = await roomWithTwo()
  const other = await createRoom(owner)
  const id = await postMessage(owner, other, 'in the other room')
  for (const path of [`/rooms/${slug}/messages/${id}/edit`, `/rooms/${slug}/messages/${id}/deletion`, `/rooms/${slug}/messages/nosuchmessage1/edit`]) {
    assert.equal((await owner.get(path)).status, 404, path)
    const res = await owner.post(path, { body: 'moved?' })
    assert.equal(res.status, 404, path)
    assert.match(res.text, /That message is not in this room/)
  }
  assert.match(messageItem((await owner.get(`/rooms/${other}`)).text, id), /<p>in the other room<\/p>/)
})

test('an author deletes their message after a confirmation page', async () => {
  const { member, slug } = await roomWithTwo()
  const id = await postMessage(member, slug, 'delete me')
  const confirm = await member.get(`/rooms/${slug}/messages/${id}/deletion`)
  assert.equal(confirm.status, 200)
  assert.match(confirm.text, /<h1>Delete this message\?<\/h1>/)
  assert.match(confirm.text, /<blockquote class="body"><p>delete me<\/p><\/blockquote>/)
  const res = await member.post(`/rooms/${slug}/messages/${id}/deletion`, {})
  assert.equal(res.status, 303)
  assert.equal(res.location, `/rooms/${slug}`)
  assert.deepEqual(messageIds((await member.get(`/rooms/${slug}`)).text), [])
  assert.equal((await member.post(`/rooms/${slug}/messages/${id}/deletion`, {})).status, 404)
})

test('with htmx, deleting answers 200 without a page', async () => {
  const { member, slug } = await roomWithTwo()
  const id = await postMessage(member, slug, 'delete me quietly')
  const res = await member.htmxPost(`/rooms/${slug}/messages/${id}/deletion`, {})
  assert.equal(res.status, 200)
  assert.doesNotMatch(res.text, /<html|<header class="site">/)
  assert.deepEqual(messageIds((await member.get(`/rooms/${slug}`)).text), [])
})

test('edits racing the deletion answer 303 or 404, never 500, and never bring the message back: its last event is its removal', async () => {
  const { member, slug } = await roomWithTwo()
  const { position } = liveAttributes((await member.get(`/rooms/${slug}`)).text)
  const from = server.logs().length
  const statuses = new Set()
  const deleted = []
  for (let round = 0; round < 30; round++) {
    const id = await postMessage(member, slug, `deleted while edited ${round}`)
    deleted.push(id)
    const answers = await Promise.all([
      member.post(`/rooms/${slug}/messages/${id}/deletion`, {}),
      ...[1, 2, 3].map((n) => member.post(`/rooms/${slug}/messages/${id}/edit`, { body: `edit ${n} of ${round}` })),
    ])
    assert.equal(answers[0].status, 303)
    for (const res of answers.slice(1)) statuses.add(res.status)
  }
  assert.deepEqual([...statuses].filter((s) => s !== 303 && s !== 404), [], `statuses: ${[...statuses]}`)
  assert.deepEqual(serverErrors(server, from), [])
  // (an edit saved after the deletion updated no row, yet recorded the message's event and blanked
  // the removal's: every open tab and every catch-up showed the deleted message again)
  const { events } = JSON.parse((await member.get(`/rooms/${slug}/events?after=${position}`)).text)
  for (const id of deleted) {
    const last = events.filter((e) => e.subject === id).at(-1)
    assert.match(last.html, /class="message removed"/, `the last event about ${id}`)
  }
  assert.deepEqual(messageIds((await member.get(`/rooms/${slug}`)).text), [])
})

test("a member cannot delete someone else's message (403)", async () => {
  const { owner, member, slug } = await roomWithTwo()
  const id = await postMessage(owner, slug, 'the owner says')
  assert.equal((await member.get(`/rooms/${slug}/messages/${id}/deletion`)).status, 403)
  const res = await member.post(`/rooms/${slug}/messages/${id}/deletion`, {})
  assert.equal(res.status, 403)
  assert.match(res.text, /You can only delete your own messages./)
  assert.deepEqual(messageIds((await owner.get(`/rooms/${slug}`)).text), [id])
})

test("a room owner can delete anyone's message in their room, but not in other rooms", async () => {
  const { owner, member, slug } = await roomWithTwo('private')
  const id = await postMessage(member, slug, 'moderate me')
  assert.equal((await owner.get(`/rooms/${slug}/messages/${id}/deletion`)).status, 200)
  const res = await owner.post(`/rooms/${slug}/messages/${id}/deletion`, {})
  assert.equal(res.status, 303)
  assert.deepEqual(messageIds((await member.get(`/rooms/${slug}`)).text), [])

  const inLobby = await postMessage(member, 'lobby', 'not your room')
  assert.equal((await owner.post(`/rooms/lobby/messages/${inLobby}/deletion`, {})).status, 403)
  assert.ok(messageIds((await owner.get('/rooms/lobby')).text).includes(inLobby))
})

test('a room shows its newest 50 messages oldest first; "Older messages" shows the rest with no gap or repeat', async () => {
  const { owner, member, slug } = await roomWithTwo()
  const posted = []
  for (let i = 1; i <= 60; i++) {
    posted.push(await postMessage(i % 2 ? owner : member, slug, `message number ${i}`))
  }
  const newest = await owner.get(`/rooms/${slug}`)
  const first = messageIds(newest.text)
  assert.deepEqual(first, posted.slice(10), 'the newest 50, oldest first')
  assert.match(messageItem(newest.text, first[0]), /message number 11</)
  assert.match(messageItem(newest.text, first[49]), /message number 60</)
  const older = /<p class="older"><a href="(\/rooms\/[^"?]+\?before=(\d+))">Older messages<\/a><\/p>/.exec(newest.text)
  assert.ok(older, 'an "Older messages" link')
  assert.equal(Number(older[2]), dataNumberOf(messageItem(newest.text, first[0])), 'it starts before the oldest shown')
  assert.doesNotMatch(newest.text, /Newest messages/)

  const page2 = await owner.get(older[1])
  assert.equal(page2.status, 200)
  const second = messageIds(page2.text)
  assert.deepEqual(second, posted.slice(0, 10))
  assert.doesNotMatch(page2.text, /Older messages/)
  assert.match(page2.text, new RegExp(`<p class="newer"><a href="/rooms/${slug}">Newest messages</a></p>`))
  assert.deepEqual([...second, ...first], posted)

  // a nonsense position shows the newest page
  assert.deepEqual(messageIds((await owner.get(`/rooms/${slug}?before=abc`)).text), first)

  // htmx (scrolling up in an open room) gets only the older messages and the next link, no page
  const fragment = await owner.get(`/rooms/${slug}?before=${posted.length - 5 + 1}`, { headers: { 'HX-Request': 'true' } })
  assert.equal(fragment.status, 200)
  assert.doesNotMatch(fragment.text, /<html|<header|id="composer"|class="room-page"/)
  assert.deepEqual(messageIds(fragment.text), posted.slice(5, 55))
  assert.match(fragment.text, new RegExp(`^\\s*<p class="older"><a href="/rooms/${slug}\\?before=\\d+">Older messages</a></p>`))
})
