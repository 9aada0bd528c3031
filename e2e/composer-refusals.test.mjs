// The composer on a slow link (300 ms added to every request, Chromium's own network emulation)
// against the real server's real refusals: a message too long (422), posting too fast (429, the
// server runs with a low HEARTH_LIMIT_POSTS), no longer a member (403), logged out in another tab,
// and the server down. Every message arrives once and in order, and nothing typed is lost; without
// JavaScript the post limit shows the room again with the text kept. (e2e/composer.test.mjs has the
// slow post, the dropped connection and the 500 made up by the test.)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Visitor, signUp, createRoom, postMessage, uniqueText, PASSWORD } from '../tests/helpers/browserless.mjs'
import { openPerson, logInInBrowser, composer, messageByText, sendComposer, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const POSTS_PER_MINUTE = 4
const { server, browser } = await openSite({ env: { HEARTH_LIMIT_POSTS: `${POSTS_PER_MINUTE}/60` } })

// Chromium logs each refused or failed request; these are the ones the tests cause on purpose
const EXPECTED = [/Failed to load resource/, /htmx:error: Failed to fetch/, /net::ERR_CONNECTION_REFUSED/]

/** slowNetwork adds ms to every request of the page (Chromium's network emulation, over CDP). */
async function slowNetwork(page, ms) {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: ms, downloadThroughput: -1, uploadThroughput: -1 })
}

/** A person signed up over HTTP, in a browser in a room of their own (or the one given), 300 ms away. */
async function personInRoom({ javaScript = true, slug } = {}) {
  const visitor = await signUp(server)
  const room = slug ?? (await createRoom(visitor))
  if (slug) assert.equal((await visitor.post(`/rooms/${slug}/membership`, {})).status, 303)
  const person = await openPerson(browser, server, { javaScript })
  await logInInBrowser(person, visitor.username)
  await person.page.goto(`/rooms/${room}`)
  if (javaScript) {
    await person.page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })
    await slowNetwork(person.page, 300)
  }
  return { person, page: person.page, visitor, slug: room }
}

const bodies = (page) => page.locator('#messages > li.message .body').allInnerTexts()
const boxValue = (page) => composer(page).textarea.inputValue()
const note = (page) => page.locator('.composer-note')

/** the message bodies of a room as the server has them (a fresh page, read by a member) */
async function bodiesOnServer(visitor, slug) {
  const res = await visitor.get(`/rooms/${slug}`)
  assert.equal(res.status, 200)
  return [...res.text.matchAll(/<div class="body">([\s\S]*?)<\/div>/g)].map((m) => m[1].replace(/<[^>]+>/g, '').trim())
}

test('300 ms on every request: type, Enter, keep typing, Enter again quickly: each message arrives once, in order, not a letter lost', async () => {
  const { person, page, visitor, slug } = await personInRoom()
  const reader = new Visitor(server)
  assert.equal((await reader.post('/login', { username: visitor.username, password: PASSWORD })).status, 303)
  const words = [uniqueText('first'), uniqueText('second'), uniqueText('third')]
  await composer(page).textarea.focus()
  for (const text of words) {
    await page.keyboard.type(text)
    await page.keyboard.press('Enter')
  }
  await page.keyboard.type('still typing')
  for (const text of words) await messageByText(page, text).waitFor()
  await page.waitForFunction(() => document.querySelector('form.composer textarea').value === 'still typing')
  assert.deepEqual(await bodies(page), words, 'each once, in the order sent')
  assert.deepEqual(await bodiesOnServer(reader, slug), words, 'the server has each once, in order')
  assert.equal(await page.evaluate(() => document.activeElement?.matches('form.composer textarea')), true)
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

test('too long (422): the reason is beside the box and the text stays, with what was typed meanwhile; a Send pressed meanwhile does not go', async () => {
  const { person, page, visitor, slug } = await personInRoom()
  const posts = []
  page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/messages') && posts.push(r.postData()))
  const max = Number(await composer(page).textarea.getAttribute('data-max'))
  const long = 'y'.repeat(max + 1)
  // the first post is held until the second Enter, however slowly a loaded machine types
  let release
  const held = new Promise((resolve) => { release = resolve })
  await page.route('**/rooms/*/messages', async (route) => {
    if (route.request().method() === 'POST') await held
    await route.continue()
  })
  await composer(page).textarea.fill(long)
  await page.keyboard.press('Enter')
  await page.keyboard.type(' meanwhile')
  await page.keyboard.press('Enter')
  release()
  await composer(page).error.waitFor()
  assert.match(await composer(page).error.textContent(), /too long|at most/i)
  await page.waitForFunction((v) => document.querySelector('form.composer textarea').value === v, `${long} meanwhile`)
  await page.waitForTimeout(1500) // (a resend would have been answered by now)
  assert.equal(posts.length, 1, 'one post: the waiting Send would have sent the refused text again, run together with the next')
  assert.equal(await boxValue(page), `${long} meanwhile`)
  assert.deepEqual(await bodiesOnServer(visitor, slug), [], 'nothing posted')
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

test('a connection that drops under the first message: the second Send does not go on its own, run together with it', async () => {
  const { person, page, visitor, slug } = await personInRoom()
  // (it drops after a while, so the second Send is pressed while the first is still on its way)
  let dropped = 0
  await page.route('**/rooms/*/messages', async (route) => {
    if (route.request().method() !== 'POST' || dropped++) return route.continue()
    await new Promise((r) => setTimeout(r, 700))
    await route.abort('internetdisconnected')
  })
  await composer(page).textarea.focus()
  await page.keyboard.type('first')
  await page.keyboard.press('Enter')
  await page.keyboard.type('second')
  await page.keyboard.press('Enter')
  await note(page).filter({ hasText: 'no connection' }).waitFor()
  await page.waitForTimeout(1500) // (a resend would have been answered by now)
  assert.equal(await boxValue(page), 'firstsecond')
  assert.deepEqual(await bodiesOnServer(visitor, slug), [], 'nothing posted, and never the two as one message')
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

test('posting too fast (429, the real limit): the room says why and keeps the text, with JavaScript', async () => {
  const { person, page, visitor, slug } = await personInRoom()
  for (let i = 1; i <= POSTS_PER_MINUTE; i++) await postMessage(visitor, slug, `from my other device ${i}`)
  await composer(page).textarea.focus()
  await page.keyboard.type('one too many')
  await page.keyboard.press('Enter')
  await page.keyboard.type(' and on')
  await composer(page).error.waitFor()
  assert.match(await composer(page).error.textContent(), /posting too fast/)
  await page.waitForFunction(() => document.querySelector('form.composer textarea').value === 'one too many and on')
  assert.equal(await messageByText(page, 'one too many').count(), 0)
  assert.equal((await bodiesOnServer(visitor, slug)).length, POSTS_PER_MINUTE)
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

test('posting too fast (429) without JavaScript: the room again, the message kept in the box and the reason beside it', async () => {
  const { person, page, visitor, slug } = await personInRoom({ javaScript: false })
  for (let i = 1; i <= POSTS_PER_MINUTE; i++) await postMessage(visitor, slug, `from my other device ${i}`)
  await composer(page).textarea.fill('one too many, no script')
  const { response } = await sendComposer(page)
  assert.equal(response.status(), 429)
  assert.match(page.url(), new RegExp(`/rooms/${slug}/messages$`))
  assert.equal(await page.locator('#messages > li.message').count(), POSTS_PER_MINUTE, 'the room, with its messages')
  assert.equal(await boxValue(page), 'one too many, no script')
  assert.match(await composer(page).error.textContent(), /posting too fast/)
  assert.equal(await composer(page).textarea.getAttribute('aria-describedby'), 'body-error')
  await person.close()
})

test('no longer a member (403, removed by the owner of a public room): not sent, the reason beside the box, the text kept', async () => {
  const owner = await signUp(server)
  const square = await createRoom(owner, { kind: 'public' })
  const { person, page, visitor } = await personInRoom({ slug: square })
  assert.equal((await owner.post(`/rooms/${square}/members/${visitor.username}/removal`, {})).status, 303)
  await composer(page).textarea.focus()
  await page.keyboard.type('said after I was removed')
  await page.keyboard.press('Enter')
  await page.keyboard.type('!')
  await note(page).filter({ hasText: 'Join this room to post in it.' }).waitFor()
  await page.waitForFunction(() => document.querySelector('form.composer textarea').value === 'said after I was removed!')
  assert.deepEqual(await bodiesOnServer(owner, square), [])
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

test('logged out in another tab: not sent, the box says so; then the tab goes to the log-in page, and back in the room the text is there', async () => {
  const { person, page, visitor, slug } = await personInRoom()
  // the tab learns of it late (its live connection's subscription is slow), after the post's answer
  await page.route('**/realtime/subscriptions', (route) => setTimeout(() => route.continue().catch(() => {}), 3000))
  await composer(page).textarea.focus()
  await page.keyboard.type('written before I noticed')
  const other = await person.context.newPage()
  await other.goto('/logout')
  await Promise.all([other.waitForURL('**/login'), other.getByRole('button', { name: 'Log out of this browser' }).click()])
  await other.close()
  await page.keyboard.press('Enter')
  await note(page).filter({ hasText: 'logged out' }).waitFor()
  assert.equal(await boxValue(page), 'written before I noticed')
  // its live connection ended with the session: the tab reloads, and the room sends it to log in
  await page.waitForURL(`**/login?next=${encodeURIComponent(`/rooms/${slug}`)}`)
  await page.getByLabel('Username').fill(visitor.username)
  await page.getByLabel('Password').fill(PASSWORD)
  await Promise.all([page.waitForURL(`**/rooms/${slug}`), page.getByRole('button', { name: 'Log in' }).click()])
  assert.equal(await boxValue(page), 'written before I noticed')
  assert.deepEqual(await bodiesOnServer(visitor, slug), [])
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

// last: it stops the server this file shares
test('the server down: not sent, the text kept; back up, Send posts it once', async () => {
  const { person, page, visitor, slug } = await personInRoom()
  await server.halt()
  try {
    await composer(page).textarea.focus()
    await page.keyboard.type('while the server was down')
    await page.keyboard.press('Enter')
    await note(page).filter({ hasText: 'no connection' }).waitFor()
    assert.equal(await boxValue(page), 'while the server was down')
  } finally {
    await server.start()
  }
  await page.locator('[data-live-status="live"]').waitFor({ state: 'attached', timeout: 30_000 })
  await composer(page).textarea.focus()
  await page.keyboard.press('Enter')
  await messageByText(page, 'while the server was down').waitFor()
  await page.waitForFunction(() => document.querySelector('form.composer textarea').value === '')
  assert.deepEqual(await bodiesOnServer(visitor, slug), ['while the server was down'])
  assert.deepEqual(await bodies(page), ['while the server was down'])
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})
