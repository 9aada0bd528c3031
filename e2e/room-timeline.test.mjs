// Days and groups in the room, in Chromium: a heading for each of the reader's own days, one
// person's messages within five minutes under one name and avatar (the time shown on hover or
// focus), kept right as messages arrive live in another tab, are edited and deleted, as older
// ones come in above, and as midnight passes in a tab left open.
//
// HEARTH_E2E_SHOTS=<folder> saves screenshots (desktop, phone, dark) there, to look at.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { signUp, createRoom, postMessage, uniqueText } from '../tests/helpers/browserless.mjs'
import { BACKDATE_PAGES, backdate } from '../tests/helpers/backdate.mjs'
import {
  openPerson,
  logInInBrowser,
  postInBrowser,
  messageItem,
  messageByText,
  deleteInBrowser,
  problemsExcept,
} from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const WAIT = 15_000

const { server, browser } = await openSite({
    extraPages: BACKDATE_PAGES,
    env: { HEARTH_LIMIT_POSTS: '1000/60', HEARTH_LIMIT_SIGNUPS: '100/3600' },
  })

async function shot(page, name) {
  if (process.env.HEARTH_E2E_SHOTS) await page.screenshot({ path: join(process.env.HEARTH_E2E_SHOTS, `${name}.png`) })
}

/** a browser tab in a room, signed in as a person who already has an account (a Visitor) */
async function tabIn(slug, visitor, context = {}, javaScript = true) {
  const person = await openPerson(browser, server, { context, javaScript })
  await logInInBrowser(person, visitor.username)
  await person.page.goto(`/rooms/${slug}`)
  return person
}

/** the list as the reader sees it: { day } headings and { id, continued, name } messages */
function shownTimeline(page) {
  return page.locator('#messages').evaluate((ol) => [...ol.children].filter((li) => !li.matches('.removed, .unread-line')).map((li) => li.matches('.day')
    ? { day: li.querySelector('time').textContent }
    : { id: li.id.replace('message-', ''), continued: li.hasAttribute('data-continued'), name: li.querySelector('.author').getBoundingClientRect().width > 1 }))
}

/** how this browser names a day */
const dayLabel = (page, iso) => page.evaluate((at) => new Date(at).toLocaleDateString(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }), iso)

async function seeded(posts) {
  const [alice, bob] = [await signUp(server), await signUp(server)]
  const slug = await createRoom(alice)
  await bob.post(`/rooms/${slug}/membership`, {})
  const who = { alice, bob }
  const ids = []
  for (const [name, at] of posts) {
    const id = await postMessage(who[name], slug, uniqueText(`${name} at ${at}`))
    await backdate(server, id, at)
    ids.push(id)
  }
  return { alice, bob, slug, ids }
}

test('the room shows a heading for each day and one name over a person\'s messages within five minutes; the time on hover', async () => {
  const { alice, slug, ids } = await seeded([
    ['alice', '2024-02-28T10:00:00Z'],
    ['alice', '2024-02-28T10:03:00Z'],
    ['alice', '2024-02-28T10:07:00Z'],
    ['bob', '2024-02-28T10:08:00Z'],
    ['alice', '2024-02-28T10:20:00Z'],
    ['alice', '2024-02-29T09:00:00Z'],
  ])
  const person = await tabIn(slug, alice, { timezoneId: 'UTC', viewport: { width: 1280, height: 800 } })
  const { page } = person
  assert.deepEqual(await shownTimeline(page), [
    { day: await dayLabel(page, '2024-02-28T10:00:00Z') },
    { id: ids[0], continued: false, name: true },
    { id: ids[1], continued: true, name: false },
    { id: ids[2], continued: true, name: false },
    { id: ids[3], continued: false, name: true },
    { id: ids[4], continued: false, name: true },
    { day: await dayLabel(page, '2024-02-29T09:00:00Z') },
    { id: ids[5], continued: false, name: true },
  ])
  const head = messageItem(page, ids[0])
  const next = messageItem(page, ids[1])
  assert.equal(await head.locator('.avatar').isVisible(), true)
  assert.equal(await next.locator('.avatar').isVisible(), false, 'one avatar per group')
  // a continued message says its time on hover (and on focus), its whole date in the title
  const clock = next.locator('.permalink')
  await page.mouse.move(0, 0)
  assert.equal(await clock.evaluate((a) => getComputedStyle(a).opacity), '0')
  await next.hover()
  await page.waitForFunction((id) => getComputedStyle(document.querySelector(`#message-${id} .permalink`)).opacity === '1', ids[1])
  assert.match(await clock.innerText(), /10:03/)
  assert.match(await clock.locator('time').getAttribute('title'), /2024/)
  assert.match(await clock.locator('time').getAttribute('title'), /10:03/)
  await page.mouse.move(0, 0)
  await clock.focus()
  assert.equal(await clock.evaluate((a) => getComputedStyle(a).opacity), '1', 'shown while it has the focus')
  await shot(page, 'timeline-desktop')
  await page.setViewportSize({ width: 390, height: 844 })
  await shot(page, 'timeline-phone')
  await page.emulateMedia({ colorScheme: 'dark' })
  await shot(page, 'timeline-phone-dark')
  await page.setViewportSize({ width: 1280, height: 800 })
  await next.hover()
  await shot(page, 'timeline-desktop-dark')
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('without JavaScript the page comes grouped, by UTC days, the time of a continued message in view on focus', async () => {
  const { alice, slug, ids } = await seeded([
    ['alice', '2024-02-28T23:58:00Z'],
    ['alice', '2024-02-29T00:01:00Z'],
    ['alice', '2024-02-29T00:03:00Z'],
  ])
  const person = await tabIn(slug, alice, { viewport: { width: 390, height: 844 }, colorScheme: 'dark' }, false)
  const { page } = person
  assert.deepEqual(await shownTimeline(page), [
    { day: 'Wednesday, 28 February 2024' },
    { id: ids[0], continued: false, name: true },
    { day: 'Thursday, 29 February 2024' },
    { id: ids[1], continued: false, name: true },
    { id: ids[2], continued: true, name: false },
  ])
  const clock = messageItem(page, ids[2]).locator('.permalink')
  assert.equal(await clock.innerText(), '00:03 UTC')
  await clock.focus()
  assert.equal(await clock.evaluate((a) => getComputedStyle(a).opacity), '1')
  const box = await clock.boundingBox()
  const body = await messageItem(page, ids[2]).locator('.body').boundingBox()
  assert.ok(box.x + box.width <= body.x, `the time sits left of the text (${box.x + box.width} > ${body.x})`)
  await shot(page, 'timeline-phone-dark-no-js')
  await person.close()
})

test('days are the reader\'s own: late evening in New York is one day, where UTC has two', async () => {
  const { alice, slug, ids } = await seeded([
    ['alice', '2024-02-28T23:58:00Z'],
    ['alice', '2024-02-29T00:01:00Z'],
  ])
  const utc = await alice.get(`/rooms/${slug}`)
  assert.equal((utc.text.match(/<li class="day"/g) || []).length, 2, 'the server says UTC days')
  const person = await tabIn(slug, alice, { timezoneId: 'America/New_York' })
  const { page } = person
  assert.deepEqual(await shownTimeline(page), [
    { day: await dayLabel(page, '2024-02-28T23:58:00Z') },
    { id: ids[0], continued: false, name: true },
    { id: ids[1], continued: true, name: false },
  ])
  assert.match(await dayLabel(page, '2024-02-28T23:58:00Z'), /28/)
  assert.match(await messageItem(page, ids[1]).locator('time').innerText(), /7:01|19:01/, 'the time is the reader\'s too')
  await person.close()
})

test('today and yesterday are called so, in the reader\'s language and capitalised; older days by their date, and every day\'s date in its title', async () => {
  const now = Date.now()
  const { alice, slug } = await seeded([
    ['alice', new Date(now - 3 * 86400e3).toISOString()],
    ['alice', new Date(now - 86400e3).toISOString()],
    ['bob', new Date(now).toISOString()],
  ])
  const person = await tabIn(slug, alice, { timezoneId: 'UTC' })
  const { page } = person
  const headings = page.locator('#messages > li.day .day-label')
  await page.waitForFunction(() => document.querySelectorAll('#messages > li.day time[data-local]').length === 3)
  assert.deepEqual(await headings.allInnerTexts(), [await dayLabel(page, new Date(now - 3 * 86400e3).toISOString()), 'Yesterday', 'Today'])
  const titles = await headings.locator('time').evaluateAll((ts) => ts.map((t) => t.title))
  assert.deepEqual(titles.slice(1), [await dayLabel(page, new Date(now - 86400e3).toISOString()), await dayLabel(page, new Date(now).toISOString())])
  const german = await tabIn(slug, alice, { timezoneId: 'UTC', locale: 'de-DE' })
  await german.page.waitForFunction(() => document.querySelectorAll('#messages > li.day time[data-local]').length === 3)
  assert.deepEqual((await german.page.locator('#messages > li.day .day-label').allInnerTexts()).slice(1), ['Gestern', 'Heute'])
  assert.deepEqual(problemsExcept(person), [])
  await german.close()
  await person.close()
})

test('a tab left open overnight calls the day\'s messages yesterday\'s once midnight has passed', async () => {
  const { alice, slug } = await seeded([['bob', '2026-06-15T12:00:00Z']])
  const person = await openPerson(browser, server, { context: { timezoneId: 'UTC' } })
  const { page } = person
  // the page's clock (Date and its timers) at half a minute to that day's midnight
  await page.clock.install({ time: new Date('2026-06-15T23:59:30Z') })
  await logInInBrowser(person, alice.username)
  await page.goto(`/rooms/${slug}`)
  const label = page.locator('#messages > li.day .day-label')
  await page.waitForFunction(() => document.querySelector('#messages > li.day time[data-local]'))
  assert.equal(await label.innerText(), 'Today')
  await page.clock.fastForward('01:00')
  await page.waitForFunction(() => document.querySelector('#messages > li.day .day-label')?.innerText === 'Yesterday', null, { timeout: WAIT })
  // and the next midnight's timer is set: a day later the date itself
  await page.clock.fastForward('24:00:00')
  await page.waitForFunction(() => !/^(Today|Yesterday)$/.test(document.querySelector('#messages > li.day .day-label')?.innerText || 'Today'), null, { timeout: WAIT })
  assert.match(await label.innerText(), /15/)
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('groups and days follow live messages in another tab, an edit, and deleting the first message of a group', async () => {
  const { alice, bob, slug } = await seeded([])
  const aliceTab = await tabIn(slug, alice)
  const bobTab = await tabIn(slug, bob)
  for (const p of [aliceTab, bobTab]) {
    await p.page.locator('[data-live-status="live"]').waitFor({ state: 'attached', timeout: WAIT })
  }
  const first = await postInBrowser(aliceTab, uniqueText('first'))
  const second = await postInBrowser(aliceTab, uniqueText('second'))
  const third = await postInBrowser(aliceTab, uniqueText('third'))
  const bobs = await postMessage(bob, slug, uniqueText('bob says'))
  const today = 'today' // (its heading's text; CSS writes it "Today": the next test)
  const expected = [
    { day: today },
    { id: first.id, continued: false, name: true },
    { id: second.id, continued: true, name: false },
    { id: third.id, continued: true, name: false },
    { id: bobs, continued: false, name: true },
  ]
  for (const p of [aliceTab, bobTab]) {
    await messageItem(p.page, bobs).waitFor({ timeout: WAIT })
    assert.deepEqual(await shownTimeline(p.page), expected, p === bobTab ? 'bob, live' : 'alice, her own posts and live')
  }

  // an edit replaces the message with the shared fragment: it stays in its group
  const edited = uniqueText('second, better')
  assert.equal((await alice.post(`/rooms/${slug}/messages/${second.id}/edit`, { body: edited })).status, 303)
  await messageByText(bobTab.page, edited).waitFor({ timeout: WAIT })
  assert.deepEqual(await shownTimeline(bobTab.page), expected, 'after an edit')

  // deleting the first of a group shows the name over the next one, in both tabs
  const { response } = await deleteInBrowser(aliceTab, messageItem(aliceTab.page, first.id))
  assert.equal(response.status(), 200)
  const after = [expected[0], { id: second.id, continued: false, name: true }, expected[3], expected[4]]
  for (const p of [aliceTab, bobTab]) {
    await messageItem(p.page, first.id).waitFor({ state: 'hidden', timeout: WAIT })
    await p.page.waitForFunction((id) => !document.querySelector(`#message-${id}`).hasAttribute('data-continued'), second.id, { timeout: WAIT })
    assert.deepEqual(await shownTimeline(p.page), after, p === bobTab ? 'bob, after the delete' : 'alice, after her delete')
  }
  // and a reload shows the same
  await bobTab.page.reload()
  assert.deepEqual(await shownTimeline(bobTab.page), after, 'as the server groups it')
  for (const p of [aliceTab, bobTab]) {
    assert.deepEqual(problemsExcept(p), [])
    await p.close()
  }
})

test('older messages put above join the day and the group of the ones below', async () => {
  const { alice, slug } = await seeded([])
  for (let i = 0; i < 55; i++) await postMessage(alice, slug, `older ${i}`)
  const person = await tabIn(slug, alice, { viewport: { width: 1280, height: 800 } })
  const { page } = person
  assert.equal(await page.locator('#messages > li.message').count(), 50)
  await page.locator('#timeline').evaluate((t) => { t.scrollTop = 0 })
  await page.waitForFunction(() => document.querySelectorAll('#messages > li.message').length === 55, null, { timeout: WAIT })
  const shown = await shownTimeline(page)
  assert.equal(shown.filter((e) => e.day).length, 1, 'one heading for the one day')
  assert.ok(shown[0].day, 'at the top')
  assert.deepEqual(shown.slice(1).map((e) => e.continued), [false, ...Array(54).fill(true)], 'one group')
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})
