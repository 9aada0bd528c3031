// A message's own actions refused by the real server, with JavaScript: a reaction over the limit
// (429), a delete after the session ended elsewhere (the log-in page), a delete while the server
// is down. The message stays as it was, nothing of an error page takes its place, and the reason
// shows beside it; the action works again once the cause is gone. (The composer's refusals are in
// e2e/composer-refusals.test.mjs.)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { signUp, createRoom, postMessage, uniqueText } from '../tests/helpers/browserless.mjs'
import { openPerson, logInInBrowser, messageByText, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const REACTIONS_PER_MINUTE = 2
const { server, browser } = await openSite({ env: { HEARTH_LIMIT_REACTIONS: `${REACTIONS_PER_MINUTE}/60` } })

// Chromium logs each refused or failed request; these are the ones the tests cause on purpose
const EXPECTED = [/Failed to load resource/, /htmx:error: Failed to fetch/, /net::ERR_CONNECTION_REFUSED/]

/** a person in a room of their own with one message of theirs, in a browser */
async function personWithMessage() {
  const visitor = await signUp(server)
  const slug = await createRoom(visitor)
  const text = uniqueText('keep me')
  await postMessage(visitor, slug, text)
  const person = await openPerson(browser, server)
  await logInInBrowser(person, visitor.username)
  await person.page.goto(`/rooms/${slug}`)
  await person.page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })
  return { person, page: person.page, visitor, slug, item: messageByText(person.page, text), text }
}

const notice = (item) => item.locator('.action-note')

async function react(page, item, name) {
  await item.locator('.reaction-picker summary').click()
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/reactions')),
    item.getByRole('button', { name: `React with ${name}` }).click(),
  ])
  return response
}

async function confirmDelete(page, item) {
  await item.getByRole('button', { name: 'Delete' }).click()
  await page.getByRole('dialog', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click()
}

test('reacting too fast (429): the message stays whole, the reason shows beside it', async () => {
  const { person, page, item, text } = await personWithMessage()
  const names = ['thumbs up', 'heart', 'laughing']
  for (const name of names.slice(0, REACTIONS_PER_MINUTE)) assert.equal((await react(page, item, name)).status(), 200)
  assert.equal((await react(page, item, names[REACTIONS_PER_MINUTE])).status(), 429)
  await notice(item).filter({ hasText: 'too fast' }).waitFor()
  assert.equal(await item.locator('.body').innerText(), text)
  assert.equal(await item.locator('.reactions button[name="emoji"]').count() > 0, true, 'its reactions form is still there')
  assert.equal(await page.locator('#messages > li.message').count(), 1)
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

test('deleting after a log-out elsewhere: the message stays, the reason says to log in again', async () => {
  const { person, page, item, visitor, slug, text } = await personWithMessage()
  // the tab learns of the log-out late, after the delete's answer
  await page.route('**/realtime/subscriptions', (route) => setTimeout(() => route.continue().catch(() => {}), 3000))
  const other = await person.context.newPage()
  await other.goto('/logout')
  await Promise.all([other.waitForURL('**/login'), other.getByRole('button', { name: 'Log out of this browser' }).click()])
  await other.close()
  await confirmDelete(page, item)
  await notice(item).filter({ hasText: 'logged out' }).waitFor()
  assert.equal(await item.locator('.body').innerText(), text)
  const res = await visitor.get(`/rooms/${slug}`)
  assert.match(res.text, new RegExp(text), 'still on the server')
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})

// last: it stops the server this file shares
test('deleting while the server is down: the message stays, the reason says so; back up, Delete works', async () => {
  const { person, page, item, visitor, slug, text } = await personWithMessage()
  await server.halt()
  try {
    await confirmDelete(page, item)
    await notice(item).filter({ hasText: 'connection' }).waitFor()
    assert.equal(await item.locator('.body').innerText(), text)
  } finally {
    await server.start()
  }
  await page.locator('[data-live-status="live"]').waitFor({ state: 'attached', timeout: 30_000 })
  await confirmDelete(page, item)
  await item.waitFor({ state: 'detached' })
  const res = await visitor.get(`/rooms/${slug}`)
  assert.doesNotMatch(res.text, new RegExp(text))
  assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
  await person.close()
})
