// Presence between two browsers: "Here now" in the room header names who has the room open,
// updated live when someone arrives or closes the tab, on one line that never moves the page
// (a phone included); without JavaScript the page shows it as it was when rendered.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openPerson, signUpInBrowser, createRoomInBrowser, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const { server, browser } = await openSite()

async function personNamed(name, options = {}) {
  const person = await openPerson(browser, server, options)
  await signUpInBrowser(person, undefined, { name })
  return person
}

const hereNow = (page) => page.locator('#presence').textContent()
const waitForHereNow = (page, text) => page.waitForFunction(
  (want) => document.getElementById('presence')?.textContent === want, text, { timeout: 2500 })

test('two browsers see each other arrive and leave, on one line that moves nothing', async () => {
  const ana = await personNamed('Ana <i>')
  const slug = await createRoomInBrowser(ana)
  await ana.page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })
  await waitForHereNow(ana.page, 'Here now: Ana <i>')
  const header = await ana.page.locator('.room-header').boundingBox()

  const ben = await personNamed('Ben')
  await ben.page.goto(`/rooms/${slug}`)
  assert.equal(await hereNow(ben.page), 'Here now: Ana <i>', 'the page as rendered')
  await waitForHereNow(ben.page, 'Here now: Ana <i> and Ben')
  await waitForHereNow(ana.page, 'Here now: Ana <i> and Ben')
  assert.deepEqual(await ana.page.locator('.room-header').boundingBox(), header, 'the header did not move')

  await ben.page.close()
  await waitForHereNow(ana.page, 'Here now: Ana <i>')
  assert.deepEqual(problemsExcept(ana), [])
  await ana.close()
  await ben.close()
})

test('on a phone the list stays one line, ending in an ellipsis, with every name in its title', async () => {
  const people = await Promise.all(['Cal', 'Dee', 'Eve', 'Fay'].map((name) => personNamed(`${name} with a rather long display name`)))
  const [cal] = people
  await cal.page.setViewportSize({ width: 375, height: 740 })
  const slug = await createRoomInBrowser(cal)
  for (const p of people.slice(1)) await p.page.goto(`/rooms/${slug}`)
  await cal.page.waitForFunction(() => document.getElementById('presence')?.getAttribute('data-people') === '4', null, { timeout: 3000 })
  const shown = await cal.page.locator('#presence').evaluate((el) => ({
    text: el.textContent, title: el.title,
    lines: (() => { const r = document.createRange(); r.selectNodeContents(el); return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size })(),
    overflow: el.scrollWidth > el.clientWidth, right: el.getBoundingClientRect().right,
  }))
  assert.match(shown.text, /^Here now: Cal with a rather long display name, Dee with a rather long display name and 2 others$/)
  assert.equal(shown.lines, 1, 'one line')
  assert.ok(shown.right <= 375, 'inside the screen')
  assert.ok(shown.overflow, 'cut with an ellipsis')
  assert.equal(shown.title.split(', ').length, 4)
  for (const p of people) await p.close()
})

test('without JavaScript the room shows who was here when the page was rendered', async () => {
  const ana = await personNamed('Gus')
  const slug = await createRoomInBrowser(ana)
  await waitForHereNow(ana.page, 'Here now: Gus')
  const ben = await personNamed('Hal', { javaScript: false })
  await ben.page.goto(`/rooms/${slug}`)
  assert.equal(await hereNow(ben.page), 'Here now: Gus')
  await ana.close()
  await ben.close()
})
