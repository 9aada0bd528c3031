// Unread in Chromium: the counts beside my rooms move live while I am in another room, opening the
// room starts at its "New messages" line, a hidden tab's title counts what came, and without
// JavaScript the counts and the line are there on every page.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Visitor, postMessage, signUp, PASSWORD } from '../tests/helpers/browserless.mjs'
import { signedInPerson, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const { server, browser } = await openSite({ env: { HEARTH_LIMIT_POSTS: '1000/60' } })

/** Ben in the browser, and Ana (over HTTP) owning a private room with Ben in it */
async function benAndAna({ javaScript = true } = {}) {
  const ben = await signedInPerson(browser, server, { javaScript })
  const ana = await signUp(server)
  const res = await ana.post('/rooms', { name: `Plans ${Date.now()}`, kind: 'private' })
  const slug = res.location.replace('/rooms/', '')
  assert.equal((await ana.post(`/rooms/${slug}/members`, { username: ben.username })).status, 303)
  return { ben, ana, slug }
}

const sidebarMark = (page, slug) => page.getByRole('navigation', { name: 'Your rooms' }).locator(`a[href^="/rooms/${slug}"] .unread`)

test('the count beside a room moves live while I am elsewhere, and the room opens at "New messages"', async () => {
  const { ben, ana, slug } = await benAndAna()
  const { page } = ben
  await page.goto('/rooms/lobby')
  await page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })
  assert.equal(await sidebarMark(page, slug).isHidden(), true, 'nothing new yet')

  const first = await postMessage(ana, slug, 'first news')
  await postMessage(ana, slug, 'second news')
  await page.waitForFunction((s) => document.querySelector(`.sidebar a[href^="/rooms/${s}"] .unread-number`)?.textContent === '2', slug, { timeout: 3000 })
  assert.equal(await sidebarMark(page, slug).isVisible(), true)

  await page.reload()
  await Promise.all([page.waitForURL(`**/rooms/${slug}#unread`), page.getByRole('navigation', { name: 'Your rooms' }).locator(`a[href^="/rooms/${slug}"]`).click()])
  const line = page.locator('#unread')
  assert.equal(await line.textContent(), 'New messages')
  assert.equal(await page.locator(`#unread + #message-${first}`).count(), 1, 'the line is just before the first new message')
  assert.equal(await sidebarMark(page, slug).isHidden(), true, 'read now')
  assert.deepEqual(problemsExcept(ben), [])
  await ben.close()
})

test("a hidden tab's title counts new messages; seen again, the room is read", async () => {
  const { ben, ana, slug } = await benAndAna()
  const { page } = ben
  await page.goto(`/rooms/${slug}`)
  await page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })
  const title = await page.title()
  const setHidden = (hidden) => page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h })
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)
  await setHidden(true)
  await postMessage(ana, slug, 'while you were away')
  await postMessage(ana, slug, 'and again')
  await page.waitForFunction((t) => document.title === `(2) ${t}`, title, { timeout: 3000 })
  const lookElsewhere = new Visitor(server)
  assert.equal((await lookElsewhere.post('/login', { username: ben.username, password: PASSWORD })).status, 303)
  const count = async () => Number(/data-room="[a-z0-9]+">[^<]*<span class="muted">#<\/span>Plans[\s\S]*?data-count="(\d+)"/.exec((await lookElsewhere.get('/rooms')).text)[1])
  assert.equal(await count(), 2, 'not read while hidden')
  await setHidden(false)
  assert.equal(await page.title(), title)
  const deadline = Date.now() + 5000
  while ((await count()) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
  assert.equal(await count(), 0, 'read once seen')
  await ben.close()
})

test('without JavaScript: the rooms page shows the count, and its link opens the room at the line', async () => {
  const { ben, ana, slug } = await benAndAna({ javaScript: false })
  const { page } = ben
  const first = await postMessage(ana, slug, 'plain news')
  await page.goto('/rooms')
  const link = page.locator(`.room-list a[href^="/rooms/${slug}"]`)
  assert.equal(await link.locator('.unread-number').textContent(), '1')
  assert.equal(await link.getAttribute('href'), `/rooms/${slug}#unread`)
  await Promise.all([page.waitForURL(`**/rooms/${slug}#unread`), link.click()])
  assert.equal(await page.locator(`#unread + #message-${first}`).count(), 1)
  await ben.close()
})
