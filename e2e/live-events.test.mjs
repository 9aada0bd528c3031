// The seam between the realtime transport (pb_public/hearth-realtime.js) and the room
// (pb_public/hearth-room.js): the transport dispatches one hearth:event per room event on the
// topic's element, in position order, caught up or live, and any page element can listen to it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { postMessage, logIn, uniqueName } from '../tests/helpers/browserless.mjs'
import {
  signedInPerson,
  createRoomInBrowser,
  composer,
  sendComposer,
  messageItem,
  messageByText,
  problemsExcept,
} from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const { server, browser } = await openSite()

/** A signed-in person in a room of their own whose tab records what the transport dispatches. */
async function personInRoom() {
  const person = await signedInPerson(browser, server)
  await person.context.addInitScript(() => {
    const seen = (window.__seen = { events: [], connection: [] })
    document.addEventListener('hearth:connection', (e) => seen.connection.push(e.detail.state))
    document.addEventListener('DOMContentLoaded', () => {
      const list = document.querySelector('[data-topic^="rooms/"]')
      // positioned room events only ("Here now" has no position and is no room event)
      list?.addEventListener('hearth:event', (e) => e.detail.seq && seen.events.push({ ...e.detail, onList: e.currentTarget === e.target }))
    })
  })
  const slug = await createRoomInBrowser(person)
  const elsewhere = await logIn(server, person.username) // the same person on a second device, without a browser
  return { person, slug, elsewhere }
}

const seenEvents = (page) => page.evaluate(() => window.__seen.events)

/**
 * whileAway reloads the room with its subscription held until `during` is done, so whatever
 * `during` changes reaches the tab by a catch-up. It returns the topic and the position rendered.
 */
async function whileAway(person, during) {
  let release
  const held = new Promise((resolve) => { release = resolve })
  await person.context.route('**/realtime/subscriptions', async (route) => { await held; await route.continue() })
  await Promise.all([person.page.waitForRequest('**/realtime/subscriptions'), person.page.reload()])
  const list = person.page.locator('#messages')
  const rendered = { topic: await list.getAttribute('data-topic'), start: Number(await list.getAttribute('data-position')) }
  await during()
  release()
  return rendered
}

/** The messages shown, by element id, in page order. */
const shownIds = (page) => page.locator('#messages').evaluate((ol) => [...ol.querySelectorAll('li.message:not(.removed)')].map((li) => li.id))

test('after a catch-up the transport dispatches one hearth:event per missed event, in position order', async () => {
  const { person, slug, elsewhere } = await personInRoom()
  const { page } = person

  // while the tab is away: three posts, an edit and a delete
  const ids = []
  const edited = `missed #3, edited ${uniqueName('m')}`
  const { topic, start } = await whileAway(person, async () => {
    for (const n of [1, 2, 3]) ids.push(await postMessage(elsewhere, slug, `missed #${n} ${uniqueName('m')}`))
    assert.equal((await elsewhere.post(`/rooms/${slug}/messages/${ids[2]}/edit`, { body: edited })).status, 303)
    assert.equal((await elsewhere.post(`/rooms/${slug}/messages/${ids[1]}/deletion`, {})).status, 303)
  })

  await page.waitForFunction((n) => window.__seen.events.length >= n, 5)
  await messageByText(page, edited).waitFor()
  const events = await seenEvents(page)
  assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4, 5].map((i) => start + i), 'one event per position, in order')
  assert.ok(events.every((e) => e.topic === topic && e.onList), 'dispatched on the topic element')
  assert.equal(new Set(events.map((e) => e.id)).size, 5, 'each with its own event id')
  // the second and third posts' text was deleted or edited since: their events are placeholders
  assert.deepEqual(events.map((e) => e.html === ''), [false, true, true, false, false])
  assert.match(events[0].html, new RegExp(`id="message-${ids[0]}"`))
  assert.match(events[3].html, new RegExp(`id="message-${ids[2]}"`))
  assert.match(events[4].html, new RegExp(`id="message-${ids[1]}"`))
  assert.ok((await page.evaluate(() => window.__seen.connection)).includes('live'))

  // what the room made of them: the edit and the third post, not the deleted one
  assert.deepEqual(await shownIds(page), [`message-${ids[0]}`, `message-${ids[2]}`])

  // and the next event comes live, at the next position
  const next = await postMessage(elsewhere, slug, `live ${uniqueName('m')}`)
  await messageItem(page, next).waitFor()
  const live = (await seenEvents(page)).slice(5)
  assert.deepEqual(live.map((e) => e.seq), [start + 6])
  assert.match(live[0].html, new RegExp(`id="message-${next}"`))
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('a message the live event showed first is not added again by the composer\'s answer', async () => {
  const { person } = await personInRoom()
  const { page } = person
  await page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })
  const body = `live before the answer ${uniqueName('m')}`
  // hold the composer's answer until the live event has shown the message
  await page.route('**/messages', async (route) => {
    const response = await route.fetch()
    await messageByText(page, body).waitFor()
    await route.fulfill({ response })
  })
  await composer(page).textarea.fill(body)
  await sendComposer(page)
  assert.equal(await messageByText(page, body).count(), 1, 'the message is shown once')
  assert.equal(await page.locator('#messages > li.message').count(), 1)
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('a message posted and edited while the tab was away is shown after the catch-up, before a newer one', async () => {
  const { person, slug, elsewhere } = await personInRoom()
  const { page } = person
  // the room was empty when rendered; its first post comes back as a placeholder, then its edit
  // after the second post: it is not older than the page, so it is shown, in data-number order
  const ids = []
  const edited = `first, edited ${uniqueName('m')}`
  await whileAway(person, async () => {
    for (const n of [1, 2]) ids.push(await postMessage(elsewhere, slug, `post #${n} ${uniqueName('m')}`))
    assert.equal((await elsewhere.post(`/rooms/${slug}/messages/${ids[0]}/edit`, { body: edited })).status, 303)
  })
  await messageByText(page, edited).waitFor()
  assert.deepEqual(await shownIds(page), ids.map((id) => `message-${id}`))
  const fresh = await person.context.newPage()
  await fresh.goto(`/rooms/${slug}`)
  assert.deepEqual(await shownIds(fresh), await shownIds(page), 'what a fresh load shows')
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})
