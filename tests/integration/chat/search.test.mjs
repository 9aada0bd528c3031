// Search: a person finds the messages they may read now and nothing else, newest first and paged,
// the words marked and everything else escaped; the index follows posts, edits and deletes (also
// through PocketBase's REST API); any query text is safe.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { startServer } from '../../helpers/server.mjs'
import { signUp, createRoom, postMessage, apiToken, nonce } from '../../helpers/browserless.mjs'
import { api, roomIdOf, userIdOf } from '../../helpers/admin.mjs'
import { messageIds } from '../../helpers/markup.mjs'

let server
let alice, bob, carol
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_POSTS: '1000/60', HEARTH_LIMIT_EDITS: '1000/60' } })
  ;[alice, bob, carol] = await Promise.all([signUp(server), signUp(server), signUp(server)])
})
after(async () => { await server?.stop() })

/** a word no other test (or message) contains */
const word = () => `w${randomBytes(5).toString('hex')}`

/** the results of a search page: message id, room slug and marked snippet, in order */
async function searchFor(visitor, q, extra = '') {
  const res = await visitor.get(`/search?q=${encodeURIComponent(q)}${extra}`)
  assert.equal(res.status, 200, `${q.slice(0, 40)}: ${res.text.match(/<main>([\s\S]*?)<\/main>/)?.[1]}`)
  const results = [...res.text.matchAll(/<li class="result">([\s\S]*?)<\/li>/g)].map(([, item]) => ({
    id: item.match(/#message-([a-z0-9]+)"/)[1],
    href: item.match(/href="(\/rooms\/[^"]+#message-[a-z0-9]+)"/)[1],
    room: item.match(/class="result-room" href="\/rooms\/([^"]+)"/)[1],
    snippet: item.match(/<p class="result-snippet"><a [^>]*>([\s\S]*?)<\/a><\/p>/)[1],
  }))
  const next = res.text.match(/href="(\/search\?q=[^"]*before=\d+)"/)
  return { results, next: next ? next[1].replace(/&amp;/g, '&') : null, text: res.text }
}

test('a word finds the messages with it, newest first, marked, whatever its case and accents', async () => {
  const slug = await createRoom(alice, { kind: 'public' })
  const w = word()
  const first = await postMessage(alice, slug, `the ${w} report is due`)
  await postMessage(alice, slug, 'nothing to see here')
  const second = await postMessage(alice, slug, `Café ${w.toUpperCase()} again`)
  const { results } = await searchFor(bob, w)
  assert.deepEqual(results.map((r) => r.id), [second, first])
  assert.equal(results[1].snippet, `the <mark>${w}</mark> report is due`)
  assert.equal(results[0].room, slug)
  assert.deepEqual((await searchFor(bob, `cafe ${w}`)).results.map((r) => r.id), [second], 'accents and case fold')
  assert.deepEqual((await searchFor(bob, `${w} missing${w}`)).results, [], 'every word must match')
})

test('what a message says is escaped in the results, only the match is marked', async () => {
  const slug = await createRoom(alice, { kind: 'public' })
  const w = word()
  await postMessage(alice, slug, `<script>alert(1)</script> "quoted" & ${w} <b>bold</b>`)
  const { results, text } = await searchFor(bob, w)
  assert.equal(results.length, 1)
  assert.equal(results[0].snippet, `&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot; &amp; <mark>${w}</mark> &lt;b&gt;bold&lt;/b&gt;`)
  assert.doesNotMatch(text, /<script>alert/)
})

test('a private room is searched only by its members, and no longer by someone removed from it', async () => {
  const slug = await createRoom(alice, { kind: 'private' })
  const w = word()
  const id = await postMessage(alice, slug, `secret ${w}`)
  assert.deepEqual((await searchFor(bob, w)).results, [], 'not a member')
  assert.equal((await alice.post(`/rooms/${slug}/members`, { username: bob.username })).status, 303)
  assert.deepEqual((await searchFor(bob, w)).results.map((r) => r.id), [id], 'a member')
  assert.deepEqual((await searchFor(carol, w)).results, [])
  assert.equal((await alice.post(`/rooms/${slug}/members/${bob.username}/removal`, {})).status, 303)
  assert.deepEqual((await searchFor(bob, w)).results, [], 'removed')
  assert.deepEqual((await searchFor(alice, w)).results.map((r) => r.id), [id], 'the owner still finds it')
})

test('an edit changes what is found, a delete removes it, posts through the REST API are found too', async () => {
  const slug = await createRoom(alice, { kind: 'public' })
  const [before, after, rest] = [word(), word(), word()]
  const id = await postMessage(alice, slug, `draft ${before}`)
  assert.equal((await alice.post(`/rooms/${slug}/messages/${id}/edit`, { body: `final ${after}` })).status, 303)
  assert.deepEqual((await searchFor(bob, before)).results, [], 'the old words are gone')
  assert.deepEqual((await searchFor(bob, after)).results.map((r) => r.id), [id])
  assert.equal((await alice.post(`/rooms/${slug}/messages/${id}/deletion`, {})).status, 303)
  assert.deepEqual((await searchFor(bob, after)).results, [], 'deleted')

  const token = await apiToken(server, alice.username)
  const created = await api(server, 'POST', '/api/collections/messages/records', {
    token, body: { room: await roomIdOf(alice, slug), author: await userIdOf(alice), body: `through the API ${rest}`, nonce: nonce() },
  })
  assert.equal(created.status, 200, JSON.stringify(created.json))
  assert.deepEqual((await searchFor(bob, rest)).results.map((r) => r.id), [created.json.id])
})

test('results come a page at a time, the next page continuing where the first stopped', async () => {
  const slug = await createRoom(alice, { kind: 'public' })
  const w = word()
  const ids = []
  for (let i = 0; i < 23; i++) ids.push(await postMessage(alice, slug, `${w} number ${i}`))
  const first = await searchFor(bob, w)
  assert.equal(first.results.length, 20)
  assert.deepEqual(first.results.map((r) => r.id), ids.slice(3).reverse())
  assert.ok(first.next)
  const second = await bob.get(first.next)
  const rest = [...second.text.matchAll(/<li class="result">[\s\S]*?#message-([a-z0-9]+)"/g)].map((m) => m[1])
  assert.deepEqual(rest, ids.slice(0, 3).reverse())
  assert.doesNotMatch(second.text, /Older results/)
})

test('a result opens the room around that message, with the message in the page', async () => {
  const slug = await createRoom(alice, { kind: 'public' })
  const w = word()
  const ids = []
  for (let i = 0; i < 80; i++) ids.push(await postMessage(alice, slug, i === 10 ? `old ${w}` : `filler ${i}`))
  const { results } = await searchFor(bob, w)
  assert.equal(results.length, 1)
  const page = await bob.get(results[0].href.replace(/#.*/, ''))
  assert.equal(page.status, 200)
  const shown = messageIds(page.text)
  assert.ok(shown.includes(ids[10]), 'the message found is on the page')
  assert.deepEqual(shown, ids.slice(0, 35), 'what was written before it, and after it, in order')
  assert.match(page.text, /Newest messages/)
})

test('any query text is safe: operators, quotes, stars, odd characters and very long input are words', async () => {
  const slug = await createRoom(alice, { kind: 'public' })
  const w = word()
  const id = await postMessage(alice, slug, `NEAR AND ${w} OR NOT`)
  for (const q of [`"${w}`, `${w}*`, `${w} OR`, `NOT ${w}`, `NEAR(${w} AND)`, `-${w}`, `^${w}`, `and:${w}`, `${w})`, `(${w}`, `{${w}}`]) {
    const { results } = await searchFor(bob, q)
    assert.ok(results.some((r) => r.id === id), `query ${q}`)
  }
  for (const q of ['"', '*', ')))', 'AND', '\u0000', '💥', 'x'.repeat(5000), Array(500).fill('word').join(' ')]) {
    await searchFor(bob, q)
  }
  const long = await searchFor(bob, `${w} ${Array(20).fill('a').join(' ')}`)
  assert.match(long.text, /Searched for the first 8 words/)
  const bad = await bob.get('/search?q=%zz')
  assert.ok(bad.status < 500, `a bad escape: ${bad.status}`)
})

test('search is for people who are signed in', async () => {
  const res = await fetch(`${server.url}/search?q=anything`, { redirect: 'manual' })
  assert.ok([302, 303, 401].includes(res.status), `status ${res.status}`)
})
