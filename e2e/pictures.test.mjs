// A profile picture in Chromium: uploaded through the plain form on /me/picture, it shows beside
// the person's messages, the one posted before it too, and loads as the picture it was; a second
// browser with the room open sees the new face at once, without a reload.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PNG } from '../tests/helpers/pictures.mjs'
import { signedInPerson, postInBrowser, messageItem, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const { server, browser } = await openSite()

/** faceOf is what a message's avatar shows: its URL and the size of the picture it loaded. */
async function faceOf(page, id) {
  const img = messageItem(page, id).locator('img.avatar')
  await img.evaluate((el) => el.complete || new Promise((resolve) => { el.onload = el.onerror = resolve }))
  return img.evaluate((el) => ({ src: el.getAttribute('src'), width: el.naturalWidth }))
}

test('a picture uploaded on /me/picture shows beside one\'s messages', async () => {
  const ana = await signedInPerson(browser, server)
  const { page } = ana
  const { id: before } = await postInBrowser(ana, 'before my picture')
  assert.equal((await faceOf(page, before)).width, 64, 'the initials (a 64x64 drawing) first')

  await Promise.all([page.waitForURL('**/me/sessions'), page.getByRole('link', { name: 'Sessions' }).click()])
  await Promise.all([page.waitForURL('**/me/picture'), page.getByRole('link', { name: 'Your picture' }).click()])
  await page.getByLabel(/A new picture/).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG })
  await Promise.all([page.waitForURL('**/me/picture?saved'), page.getByRole('button', { name: 'Upload' }).click()])
  await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor()

  await page.goto('/rooms/lobby')
  const { id: after } = await postInBrowser(ana, 'after my picture')
  for (const id of [before, after]) {
    const face = await faceOf(page, id)
    assert.match(face.src, /^\/avatars\/[a-z0-9]+\?v=me[A-Za-z0-9_]+\.png$/, id)
    assert.equal(face.width, 1, 'the uploaded 1x1 picture, loaded')
  }
  assert.deepEqual(problemsExcept(ana), [])
  await ana.close()
})

test('a second browser with the room open sees the new picture at once', async () => {
  const ana = await signedInPerson(browser, server)
  const ben = await signedInPerson(browser, server)
  await ana.page.goto('/rooms/lobby')
  const { id } = await postInBrowser(ana, 'watch my face')
  await ben.page.goto('/rooms/lobby')
  await messageItem(ben.page, id).waitFor()
  await ben.page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })
  const initials = (await faceOf(ben.page, id)).src

  await ana.page.goto('/me/picture')
  await ana.page.getByLabel(/A new picture/).setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG })
  await Promise.all([ana.page.waitForURL('**/me/picture?saved'), ana.page.getByRole('button', { name: 'Upload' }).click()])

  const img = messageItem(ben.page, id).locator('img.avatar')
  await ben.page.waitForFunction(([el, was]) => el.getAttribute('src') !== was, [await img.elementHandle(), initials])
  const face = await faceOf(ben.page, id)
  assert.match(face.src, /^\/avatars\/[a-z0-9]+\?v=me[A-Za-z0-9_]+\.png$/)
  assert.equal(face.width, 1, 'the new picture, loaded, in the page that was open')
  assert.deepEqual(problemsExcept(ben), [])
  await ana.close()
  await ben.close()
})
