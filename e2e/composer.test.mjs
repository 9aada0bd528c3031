// The composer as people use it with JavaScript: Enter sends, Shift+Enter starts a new line, the
// cursor stays in the box for the next message, and nothing typed is lost on a slow or failing
// link: keys typed while a post is on its way, a second Send, a refusal, a reload.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { signUp, createRoom } from '../tests/helpers/browserless.mjs'
import { signedInPerson, createRoomInBrowser, composer, messageByText, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const { server, browser } = await openSite()

test('Enter sends, Shift+Enter adds a line, and the composer keeps the focus', async () => {
  const person = await signedInPerson(browser, server)
  const { page } = person
  const box = composer(page).textarea
  await box.click()
  await box.type('first line')
  await page.keyboard.press('Shift+Enter')
  await box.type('second line')
  assert.equal(await box.inputValue(), 'first line\nsecond line')

  await page.keyboard.press('Enter')
  const sent = messageByText(page, 'second line')
  await sent.waitFor()
  assert.match(await sent.locator('.body').innerHTML(), /first line<br>\s*second line/)
  await page.waitForFunction(() => document.activeElement?.matches('form.composer textarea'))
  assert.equal(await composer(page).textarea.inputValue(), '')

  // Enter in an empty box sends nothing
  const before = await page.locator('#messages > li.message').count()
  await page.keyboard.press('Enter')
  await page.waitForTimeout(500)
  assert.equal(await page.locator('#messages > li.message').count(), before)
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

/** slowPosts holds every message post for ms before it goes out (a slow link). */
async function slowPosts(page, ms) {
  await page.route('**/rooms/*/messages', async (route) => {
    if (route.request().method() === 'POST') await new Promise((r) => setTimeout(r, ms))
    await route.continue()
  })
}

const bodies = (page) => page.locator('#messages > li.message .body').allInnerTexts()
// Chromium logs each refused or failed request; these are the ones the tests cause on purpose
const EXPECTED = [/Failed to load resource/, /htmx:error: Failed to fetch/]

test('on a slow link, keys typed while a message is on its way stay, and a second Send waits its turn', async () => {
  const person = await signedInPerson(browser, server)
  const { page } = person
  await createRoomInBrowser(person)
  await slowPosts(page, 700)
  const box = composer(page).textarea
  await box.click()
  await box.type('first message')
  await page.keyboard.press('Enter')
  // still on its way: keep typing, and send again
  await box.type('human')
  await page.keyboard.press('Enter')
  await box.type(' and more')
  await messageByText(page, 'first message').waitFor()
  await messageByText(page, 'human').waitFor()
  assert.deepEqual(await bodies(page), ['first message', 'human'], 'both sent, in order, each once, not one letter lost')
  await page.waitForFunction(() => document.querySelector('form.composer textarea').value === ' and more')
  assert.equal(await page.evaluate(() => document.activeElement?.matches('form.composer textarea')), true, 'the box keeps the focus')
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

test('no connection, or a server error: the text stays in the box with the reason beside it', async () => {
  const person = await signedInPerson(browser, server)
  const { page } = person
  await createRoomInBrowser(person)
  const c = composer(page)
  await page.route('**/rooms/*/messages', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()))
  await c.textarea.fill('written on a train')
  await c.send.click()
  await page.locator('.composer-note', { hasText: 'no connection' }).waitFor()
  assert.equal(await c.textarea.inputValue(), 'written on a train')

  await page.unroute('**/rooms/*/messages')
  await page.route('**/rooms/*/messages', (route) => (route.request().method() === 'POST'
    ? route.fulfill({ status: 500, contentType: 'text/html', body: '<!doctype html><title>Oops</title><p>It broke</p>' })
    : route.continue()))
  await c.send.click()
  await page.locator('.composer-note', { hasText: 'answered 500' }).waitFor()
  assert.equal(await c.textarea.inputValue(), 'written on a train', 'an error page never replaces the box')
  assert.equal(await page.locator('form#composer').count(), 1)

  await page.unroute('**/rooms/*/messages')
  await c.send.click()
  await messageByText(page, 'written on a train').waitFor()
  await page.waitForFunction(() => document.querySelector('form.composer textarea').value === '')
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

test('a draft survives a reload, per room, and is gone once sent', async () => {
  const person = await signedInPerson(browser, server)
  const { page } = person
  const slug = await createRoomInBrowser(person)
  const c = composer(page)
  await c.textarea.click()
  await c.textarea.type('half a thought')
  await page.reload()
  assert.equal(await composer(page).textarea.inputValue(), 'half a thought')
  await page.goto('/rooms/lobby')
  assert.equal(await composer(page).textarea.inputValue(), '', 'another room has its own draft')
  await page.goto(`/rooms/${slug}`)
  await composer(page).textarea.press('End')
  await page.keyboard.press('Enter')
  await messageByText(page, 'half a thought').waitFor()
  // the draft is kept until the server's answer arrives (a reload before it must not lose it)
  await page.waitForFunction(() => document.querySelector('form.composer textarea').value === '')
  await page.reload()
  assert.equal(await composer(page).textarea.inputValue(), '')
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

test('a page left while a post is on its way gets its draft back with its token: sending it again is that post, not a second one', async () => {
  const person = await signedInPerson(browser, server)
  const { page } = person
  const slug = await createRoomInBrowser(person)
  await page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })
  // the server has the post at once; its answer is slow to come back
  await page.route('**/rooms/*/messages', async (route) => {
    if (route.request().method() !== 'POST') return route.continue()
    const answer = await route.fetch()
    await new Promise((r) => setTimeout(r, 1500))
    await route.fulfill({ response: answer }).catch(() => {})
  })
  const text = 'left while it was on its way'
  await composer(page).textarea.fill(text)
  await composer(page).textarea.press('Enter')
  await page.waitForTimeout(400)
  await page.reload()
  await page.unroute('**/rooms/*/messages')
  assert.equal(await composer(page).textarea.inputValue(), text, 'the draft is back')
  await composer(page).textarea.press('Enter')
  await page.waitForFunction(() => document.querySelector('form.composer textarea').value === '')
  await page.reload()
  assert.deepEqual((await bodies(page)).filter((b) => b === text), [text], 'posted once')
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

test('removed from a private room while it is open: the tab says so at once and the composer stops, text kept', async () => {
  const owner = await signUp(server)
  const slug = await createRoom(owner, { kind: 'private' })
  const person = await signedInPerson(browser, server)
  const { page } = person
  assert.equal((await owner.post(`/rooms/${slug}/members`, { username: person.username })).status, 303)
  await page.goto(`/rooms/${slug}`)
  await page.locator('[data-live-status="live"]').waitFor()
  const c = composer(page)
  await c.textarea.fill('something I was writing')

  assert.equal((await owner.post(`/rooms/${slug}/members/${person.username}/removal`, {})).status, 303)
  await page.locator('#room-closed', { hasText: 'You were removed from this room' }).waitFor()
  await page.locator('.composer-note', { hasText: 'removed from this room' }).waitFor()
  assert.equal(await c.textarea.inputValue(), 'something I was writing', 'what was typed stays')
  assert.equal(await c.textarea.evaluate((t) => t.readOnly), true)
  assert.equal(await c.send.isDisabled(), true)
  assert.equal(await page.locator('form#composer').count(), 1, 'nothing replaced the page')
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

test('Up in an empty box edits my last message, and Escape on the edit form goes back', async () => {
  const person = await signedInPerson(browser, server)
  const { page } = person
  const slug = await createRoomInBrowser(person)
  const c = composer(page)
  for (const words of ['my first', 'my second']) {
    await c.textarea.fill(words)
    await page.keyboard.press('Enter')
    await messageByText(page, words).waitFor()
  }
  await page.waitForFunction(() => document.querySelector('form.composer textarea').value === '')
  await c.textarea.focus()
  await Promise.all([page.waitForURL(/\/messages\/[a-z0-9]+\/edit$/), page.keyboard.press('ArrowUp')])
  assert.equal(await page.locator('textarea#body').inputValue(), 'my second', 'the last one')
  await page.locator('textarea#body').focus()
  await Promise.all([page.waitForURL(new RegExp(`/rooms/${slug}#message-`)), page.keyboard.press('Escape')])
  // with something in the box, Up moves the cursor as usual
  await composer(page).textarea.fill('line one\nline two')
  await page.keyboard.press('ArrowUp')
  assert.match(page.url(), new RegExp(`/rooms/${slug}#message-`))
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})
