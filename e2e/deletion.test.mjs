// Delete asks first: with JavaScript in a native <dialog> (Escape or "Keep it" cancels and the
// focus goes back to the message's Delete button; "Delete" removes the message in place through
// htmx), never window.confirm; without JavaScript on the confirmation page.
//
// HEARTH_E2E_SHOTS=<folder> saves screenshots of the dialog there, to look at.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { signUp, createRoom, postMessage, uniqueText } from '../tests/helpers/browserless.mjs'
import {
  openPerson,
  logInInBrowser,
  messageItem,
  countNavigations,
  submitAndWait,
  problemsExcept,
  pathOf,
} from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const { server, browser } = await openSite({ env: { HEARTH_LIMIT_POSTS: '1000/60', HEARTH_LIMIT_SIGNUPS: '100/3600' } })

/** a person in a room of their own with two messages, in a browser with or without JavaScript */
async function personWithMessages(javaScript) {
  const visitor = await signUp(server)
  const slug = await createRoom(visitor)
  const texts = [uniqueText('keep me'), uniqueText('delete me')]
  const ids = []
  for (const text of texts) ids.push(await postMessage(visitor, slug, text))
  const person = await openPerson(browser, server, { javaScript })
  await logInInBrowser(person, visitor.username)
  await person.page.goto(`/rooms/${slug}`)
  return { person, page: person.page, slug, ids, texts, visitor }
}

const focusedMessage = (page) => page.evaluate(() => document.activeElement?.closest('.message')?.id ?? document.activeElement?.tagName)

test('with JavaScript, Delete opens a dialog: Escape and "Keep it" keep the message and give the focus back, "Delete" removes it in place', async () => {
  const { person, page, ids, texts } = await personWithMessages(true)
  const nativeDialogs = []
  page.on('dialog', (d) => { nativeDialogs.push(d.type()); d.dismiss() })
  const nav = countNavigations(page)
  const item = messageItem(page, ids[1])
  const deleteButton = item.getByRole('button', { name: 'Delete' })
  const dialog = page.getByRole('dialog', { name: 'Delete this message?' })
  const posts = []
  page.on('request', (r) => r.method() === 'POST' && r.url().includes('/deletion') && posts.push(r.url()))

  // reached by keyboard, Escape cancels
  await deleteButton.focus()
  await page.keyboard.press('Enter')
  await dialog.waitFor()
  assert.equal(await dialog.evaluate((d) => d.open && d.matches(':modal')), true, 'a modal <dialog>')
  assert.equal(await dialog.locator('blockquote').innerText(), texts[1], 'it shows which message')
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Keep it', 'the safe answer has the focus')
  if (process.env.HEARTH_E2E_SHOTS) {
    const shots = process.env.HEARTH_E2E_SHOTS
    await page.screenshot({ path: `${shots}/deletion-dialog.png` })
    await page.setViewportSize({ width: 390, height: 844 })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.screenshot({ path: `${shots}/deletion-dialog-phone-dark.png` })
  }
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  assert.equal(await focusedMessage(page), `message-${ids[1]}`, 'the focus is back on the message')
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Delete')

  // "Keep it"
  await deleteButton.click()
  await dialog.waitFor()
  await dialog.getByRole('button', { name: 'Keep it' }).click()
  await dialog.waitFor({ state: 'hidden' })
  assert.equal(await focusedMessage(page), `message-${ids[1]}`)
  assert.deepEqual(posts, [], 'nothing was sent')
  assert.equal(await item.isVisible(), true)

  // "Delete"
  await deleteButton.click()
  await dialog.waitFor()
  const { request, response } = await submitAndWait(page, dialog.getByRole('button', { name: 'Delete' }), '/deletion')
  assert.equal(request.headers()['hx-request'], 'true', 'the htmx post')
  assert.equal(response.status(), 200)
  await item.waitFor({ state: 'hidden' }) // gone, or the live event's hidden placeholder
  assert.equal(await dialog.isVisible(), false)
  assert.equal(await messageItem(page, ids[0]).isVisible(), true, 'the other message stays')
  assert.equal(await page.evaluate(() => document.activeElement.id), 'timeline', 'the focus stays in the messages')
  assert.equal(nav.loads, 0, 'no page was loaded')
  assert.deepEqual(nativeDialogs, [], 'no window.confirm')
  await page.reload()
  assert.equal(await messageItem(page, ids[1]).count(), 0, 'deleted for good')
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('a message deleted elsewhere while its dialog is open closes the dialog', async () => {
  const { person, page, slug, ids, visitor } = await personWithMessages(true)
  await page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })
  await messageItem(page, ids[1]).getByRole('button', { name: 'Delete' }).click()
  const dialog = page.getByRole('dialog', { name: 'Delete this message?' })
  await dialog.waitFor()
  assert.equal((await visitor.post(`/rooms/${slug}/messages/${ids[1]}/deletion`, {})).status, 303)
  await dialog.waitFor({ state: 'hidden' })
  assert.equal(await messageItem(page, ids[1]).isVisible(), false)
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('without JavaScript, Delete opens the confirmation page: "Keep it" goes back, "Delete" deletes', async () => {
  const { person, page, slug, ids, texts } = await personWithMessages(false)
  const toConfirmation = async () => {
    await Promise.all([page.waitForURL(`**/messages/${ids[1]}/deletion**`), messageItem(page, ids[1]).getByRole('button', { name: 'Delete' }).click()])
    assert.equal(await page.getByRole('heading', { name: 'Delete this message?' }).isVisible(), true)
    assert.equal(await page.locator('blockquote').innerText(), texts[1])
  }
  await toConfirmation()
  await Promise.all([page.waitForURL(`**/rooms/${slug}#message-${ids[1]}`), page.getByRole('link', { name: 'Keep it' }).click()])
  assert.equal(await messageItem(page, ids[1]).isVisible(), true, 'kept')
  await toConfirmation()
  const { request, response } = await submitAndWait(page, page.getByRole('button', { name: 'Delete' }), '/deletion')
  assert.equal(request.headers()['hx-request'], undefined)
  assert.equal(response.status(), 303)
  await page.waitForURL(`**/rooms/${slug}`)
  assert.equal(pathOf(page), `/rooms/${slug}`)
  assert.equal(await messageItem(page, ids[1]).count(), 0, 'deleted')
  assert.equal(await messageItem(page, ids[0]).count(), 1)
  await person.close()
})
