// The room as a window people live in: it opens at the newest message with the composer focused,
// only the messages scroll, new messages follow a reader at the bottom and wait below for one who
// scrolled up, older ones come in above without moving the view, the rooms are beside (a menu on a
// phone), and the system's dark setting is followed.
//
// HEARTH_E2E_SHOTS=<folder> saves a screenshot of each layout there, to look at.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { Visitor, postMessage, signUp, PASSWORD, uniqueName } from '../tests/helpers/browserless.mjs'
import { signedInPerson, openPerson, signUpInBrowser, createRoomInBrowser, composer, messageByText, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'
import { userIdOf } from '../tests/helpers/admin.mjs'

const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }

const { server, browser } = await openSite({ env: { HEARTH_LIMIT_POSTS: '1000/60', HEARTH_LIMIT_SIGNUPS: '100/3600' } })

async function shot(page, name) {
  if (process.env.HEARTH_E2E_SHOTS) await page.screenshot({ path: join(process.env.HEARTH_E2E_SHOTS, `${name}.png`) })
}

/**
 * A person in a room of their own with `count` messages in it, posted from their second device
 * (returned as `elsewhere`, to post more while the browser watches).
 */
async function personInRoomWith(count, viewport = DESKTOP) {
  const person = await signedInPerson(browser, server)
  await person.page.setViewportSize(viewport)
  const slug = await createRoomInBrowser(person)
  const elsewhere = new Visitor(server)
  assert.equal((await elsewhere.post('/login', { username: person.username, password: PASSWORD })).status, 303)
  for (let i = 1; i <= count; i++) await postMessage(elsewhere, slug, `message ${i} ${'of the long conversation '.repeat(i % 4)}`)
  return { person, page: person.page, slug, elsewhere }
}

const timeline = (page) => page.locator('#timeline')
const scrollState = (page) => timeline(page).evaluate((t) => ({ top: t.scrollTop, max: t.scrollHeight - t.clientHeight }))
const live = (page) => page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })

/** whether the element is wholly inside the window */
async function inWindow(page, locator) {
  const box = await locator.boundingBox()
  const { width, height } = page.viewportSize()
  return !!box && box.y >= 0 && box.x >= 0 && box.y + box.height <= height + 0.5 && box.x + box.width <= width + 0.5
}

async function atBottom(page) {
  const { top, max } = await scrollState(page)
  return max > 0 && max - top <= 2
}

test('a room opens at its newest message, the composer pinned below it and focused; only the messages scroll', async () => {
  const { person, page, slug } = await personInRoomWith(60)
  await page.goto(`/rooms/${slug}`)
  await page.waitForFunction(() => document.activeElement?.matches('form.composer textarea'))
  assert.ok(await atBottom(page), 'the timeline is scrolled to its end')
  assert.ok(await inWindow(page, messageByText(page, 'message 60 ')), 'the newest message is in view')
  assert.ok(await inWindow(page, composer(page).send), 'the composer is in view')
  const pageScroll = await page.evaluate(() => document.scrollingElement.scrollHeight - window.innerHeight)
  assert.ok(pageScroll <= 0, `the page itself does not scroll (${pageScroll} px)`)
  await shot(page, 'desktop')
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('on a wide screen a message nobody reacted to has no row for "+": it shows on hover beside the actions, and the reactions get a row once there are some', async () => {
  const { person, page, slug } = await personInRoomWith(3)
  await page.goto(`/rooms/${slug}`)
  const item = messageByText(page, 'message 3 ')
  const add = item.locator('.reaction-picker summary')
  const meta = await item.locator('.message-meta').boundingBox()
  const body = await item.locator('.body').boundingBox()
  const box = await item.boundingBox()
  assert.ok(box.y + box.height - (body.y + body.height) <= 12, `nothing below the text (${JSON.stringify({ box, body })})`)
  await page.mouse.move(0, 0)
  assert.equal(await add.evaluate((s) => getComputedStyle(s.closest('.reactions')).opacity), '0', 'out of sight until hover')
  await item.hover()
  await page.waitForFunction((id) => getComputedStyle(document.querySelector(`#${id} .reactions`)).opacity === '1', await item.getAttribute('id'))
  const plus = await add.boundingBox()
  const remove = await item.getByRole('button', { name: 'Delete' }).boundingBox()
  assert.ok(plus.y < meta.y + meta.height && plus.x > remove.x + remove.width, `"+" at the top right, after Delete (${JSON.stringify({ plus, remove, meta })})`)
  await shot(page, 'desktop-hover')
  await add.click()
  await shot(page, 'desktop-picker')
  await item.getByRole('button', { name: 'React with thumbs up' }).click()
  await item.locator('.reaction').waitFor()
  const reacted = await item.locator('.reactions').boundingBox()
  const text = await item.locator('.body').boundingBox()
  assert.ok(reacted.y >= text.y + text.height - 1, `the reactions are a row under the text (${JSON.stringify({ reacted, text })})`)
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('a live message waits below a reader who scrolled up ("New messages below"), and follows one at the bottom', async () => {
  const { person, page, slug, elsewhere } = await personInRoomWith(60)
  await page.goto(`/rooms/${slug}`)
  await live(page)
  const newBelow = page.getByRole('button', { name: /New messages below/ })
  assert.equal(await newBelow.isVisible(), false)

  // scrolled up to the middle: the view stays where it is
  const middle = await timeline(page).evaluate((t) => (t.scrollTop = Math.round((t.scrollHeight - t.clientHeight) / 2)))
  await page.waitForTimeout(100)
  await postMessage(elsewhere, slug, 'while you were reading')
  await messageByText(page, 'while you were reading').waitFor({ state: 'attached' })
  await newBelow.waitFor()
  assert.equal((await scrollState(page)).top, middle, 'the view did not move')
  await shot(page, 'new-below')

  // the button goes to the newest, and from there new messages are followed
  await newBelow.click()
  await page.waitForFunction(() => { const t = document.getElementById('timeline'); return t.scrollHeight - t.clientHeight - t.scrollTop <= 2 })
  assert.equal(await newBelow.isVisible(), false)
  await postMessage(elsewhere, slug, 'and one more at the bottom')
  await messageByText(page, 'and one more at the bottom').waitFor()
  await page.waitForFunction(() => { const t = document.getElementById('timeline'); return t.scrollHeight - t.clientHeight - t.scrollTop <= 2 })
  assert.ok(await inWindow(page, messageByText(page, 'and one more at the bottom')))
  assert.equal(await newBelow.isVisible(), false)

  // the reader's own post brings them down too
  await timeline(page).evaluate((t) => (t.scrollTop = 500))
  await composer(page).textarea.fill('my own words')
  await page.keyboard.press('Enter')
  await messageByText(page, 'my own words').waitFor()
  await page.waitForFunction(() => { const t = document.getElementById('timeline'); return t.scrollHeight - t.clientHeight - t.scrollTop <= 2 })
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('a room too short to scroll, opened at its new messages, follows the next one: no "New messages below" over it', async () => {
  const { person, page, slug, elsewhere } = await personInRoomWith(2)
  const reader = await signedInPerson(browser, server)
  await reader.page.setViewportSize(DESKTOP)
  const asReader = new Visitor(server)
  assert.equal((await asReader.post('/login', { username: reader.username, password: PASSWORD })).status, 303)
  assert.equal((await asReader.post(`/rooms/${slug}/membership`, {})).status, 303)
  for (const text of ['new to the reader', 'and this too']) await postMessage(elsewhere, slug, text)
  await reader.page.goto(`/rooms/${slug}#unread`)
  await reader.page.locator('#unread').waitFor({ state: 'attached' })
  await live(reader.page)
  await postMessage(elsewhere, slug, 'the next one')
  const next = messageByText(reader.page, 'the next one')
  await next.waitFor()
  await reader.page.waitForTimeout(200)
  assert.equal(await reader.page.getByRole('button', { name: /New messages below/ }).isVisible(), false, 'nothing is below')
  assert.ok(await inWindow(reader.page, next), 'the new message is in view')
  assert.deepEqual(problemsExcept(reader), [])
  await reader.close()
  await person.close()
})

test('scrolling to the top puts the older messages above without moving the ones in view', async () => {
  const { person, page, slug } = await personInRoomWith(75)
  await page.goto(`/rooms/${slug}`)
  assert.equal(await page.locator('#messages > li.message').count(), 50)
  const oldestShown = messageByText(page, 'message 26 ')
  const older = page.locator('.older a')
  assert.match(await older.getAttribute('href'), new RegExp(`^/rooms/${slug}\\?before=\\d+$`), 'the plain link stays for pages without JavaScript')

  await timeline(page).evaluate((t) => (t.scrollTop = 0))
  await page.waitForFunction(() => document.querySelectorAll('#messages > li.message').length === 75)
  const before = (await oldestShown.boundingBox()).y
  await page.waitForTimeout(200)
  // the older link was above it and is gone (nothing older is left); everything else came in above
  const after = (await oldestShown.boundingBox()).y
  assert.ok(await older.count() === 0, 'no older messages are left')
  assert.ok(Math.abs(after - before) <= 1, `the message in view stayed (${before} -> ${after})`)
  const numbers = await page.locator('#messages > li.message').evaluateAll((lis) => lis.map((li) => Number(li.dataset.number)))
  assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'in order')
  assert.equal(new Set(numbers).size, 75, 'no repeats')
  assert.ok((await scrollState(page)).top > 0, 'the view is not thrown to the top')
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('the view does not jump when the older messages come in', async () => {
  const { person, page, slug } = await personInRoomWith(110)
  await page.goto(`/rooms/${slug}`)
  // near the top (the fetch starts) and where one message is, read before the answer can come
  const [number, y] = await timeline(page).evaluate((t) => {
    t.scrollTop = 150
    const shown = document.getElementById('messages').children[2]
    return [shown.dataset.number, shown.getBoundingClientRect().y]
  })
  await page.waitForFunction(() => document.querySelectorAll('#messages > li.message').length === 100)
  await page.waitForTimeout(100)
  const still = page.locator(`#messages > li.message[data-number="${number}"]`)
  assert.ok(Math.abs((await still.boundingBox()).y - y) <= 1, `the message in view stayed (${y} -> ${(await still.boundingBox()).y})`)
  assert.equal(await page.locator('.older a').count(), 1, 'an older page is still left')
  await person.close()
})

test('the sidebar lists my rooms, marks this one, and switches rooms without the rooms page', async () => {
  const person = await signedInPerson(browser, server)
  const { page } = person
  await page.setViewportSize(DESKTOP)
  const first = await createRoomInBrowser(person, { name: `first-${uniqueName('r').slice(2)}` })
  const second = await createRoomInBrowser(person, { name: `second-${uniqueName('r').slice(2)}` })
  const sidebar = page.getByRole('navigation', { name: 'Your rooms' })
  await sidebar.waitFor()
  const listed = await sidebar.locator('.my-rooms a:not(.all-rooms)').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
  assert.ok(listed.includes(`/rooms/${first}`) && listed.includes(`/rooms/${second}`), listed.join(' '))
  assert.equal(await sidebar.locator('[aria-current="page"]').getAttribute('href'), `/rooms/${second}`)

  await Promise.all([page.waitForURL(`**/rooms/${first}`), sidebar.locator(`a[href="/rooms/${first}"]`).click()])
  assert.equal(await sidebar.locator('[aria-current="page"]').getAttribute('href'), `/rooms/${first}`)
  assert.equal(await page.locator('.rooms-menu').isVisible(), false, 'no menu on a wide screen')
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('on a phone nothing overflows sideways, the rooms are a menu, and what is tapped is at least 44 px', async () => {
  const { person, page, slug } = await personInRoomWith(55, PHONE)
  const other = await createRoomInBrowser(person)
  await page.goto(`/rooms/${slug}`)
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow} px too wide)`)
  assert.equal(await page.getByRole('navigation', { name: 'Your rooms' }).isVisible(), false, 'no sidebar')
  assert.ok(await inWindow(page, composer(page).send), 'the composer is in view')
  assert.notEqual(await page.evaluate(() => document.activeElement?.tagName), 'TEXTAREA', 'no keyboard pops up on its own')
  // what there is to tap under a message shares one row (the owner may delete every message)
  const last = page.locator('li.message').last()
  const add = await last.locator('.reaction-picker summary').boundingBox()
  const remove = await last.getByRole('button', { name: 'Delete' }).boundingBox()
  assert.ok(add.height >= 44 && remove.height >= 44, 'both at least 44 px')
  assert.ok(Math.abs((add.y + add.height / 2) - (remove.y + remove.height / 2)) < 4 && add.x > remove.x, `Delete then "+" on one row, as the keyboard reaches them (${JSON.stringify({ add, remove })})`)
  await shot(page, 'phone')

  const menu = page.locator('.rooms-menu')
  const summary = menu.locator('summary')
  assert.ok((await summary.boundingBox()).height >= 44)
  await summary.click()
  const link = menu.locator(`a[href="/rooms/${other}"]`)
  await link.waitFor()
  assert.ok((await link.boundingBox()).height >= 44)
  assert.ok((await composer(page).send.boundingBox()).height >= 44)
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the open menu fits too')
  await shot(page, 'phone-menu')
  await Promise.all([page.waitForURL(`**/rooms/${other}`), link.click()])
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('on a phone the members page and a profile fit long names without sideways scrolling', async () => {
  const owner = await openPerson(browser, server, { viewport: PHONE })
  await signUpInBrowser(owner, uniqueName('o'), { name: 'Maximiliane-Wilhelmina-Annabelle-Konstantinopoulou' })
  const slug = await createRoomInBrowser(owner, { kind: 'private' })
  // members with usernames as long as they come, each with its buttons
  const asOwner = new Visitor(server)
  assert.equal((await asOwner.post('/login', { username: owner.username, password: PASSWORD })).status, 303)
  for (let i = 0; i < 2; i++) {
    const other = await signUp(server, `${uniqueName('member')}_long${i}`.slice(0, 24))
    assert.equal((await asOwner.post(`/rooms/${slug}/members`, { username: other.username })).status, 303)
  }
  const { page } = owner
  for (const path of [`/rooms/${slug}/members`, `/people/${await userIdOf(asOwner)}`]) {
    await page.goto(path)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    assert.ok(overflow <= 0, `${path}: ${overflow} px too wide`)
    await shot(page, `phone-${path.includes('members') ? 'members' : 'profile'}`)
  }
  assert.deepEqual(problemsExcept(owner), [])
  await owner.close()
})

test('on the narrowest phones the header is one row that fits, and Search leads to the search page', async () => {
  const { person, page, slug } = await personInRoomWith(3, { width: 320, height: 640 })
  await page.goto(`/rooms/${slug}`)
  const header = page.locator('header.site')
  const links = header.locator('nav a')
  const rows = new Set()
  for (const box of await Promise.all((await links.all()).map((a) => a.boundingBox()))) rows.add(Math.round(box.y))
  assert.equal(rows.size, 1, 'every link on one row')
  assert.ok((await header.boundingBox()).height <= 56, 'one row high')
  for (const a of await links.all()) assert.ok((await a.boundingBox()).height >= 44, 'each link is 44 px to tap')
  const brand = await header.locator('a.brand').evaluate((b) => b.scrollWidth <= b.clientWidth)
  assert.ok(brand, 'the site name is whole')
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing overflows')
  await shot(page, 'phone-320')
  await Promise.all([page.waitForURL('**/search'), header.getByRole('link', { name: 'Search' }).click()])
  assert.equal(await page.getByRole('searchbox').isVisible(), true, 'the search page has its own box')
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('dark mode follows the system setting', async () => {
  const { person, page, slug } = await personInRoomWith(8)
  await page.goto(`/rooms/${slug}`)
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
  const light = await background()
  await page.emulateMedia({ colorScheme: 'dark' })
  const dark = await background()
  assert.notEqual(dark, light)
  const [r, g, b] = dark.match(/\d+/g).map(Number)
  assert.ok(r + g + b < 150, `a dark background (${dark})`)
  await shot(page, 'dark')
  await person.close()
})

test("a message's actions show on hover or when the keyboard reaches them", async () => {
  const { person, page, slug } = await personInRoomWith(3)
  await page.goto(`/rooms/${slug}`)
  const item = messageByText(page, 'message 2 ')
  const actions = item.locator('.message-actions')
  const opacity = () => actions.evaluate((el) => getComputedStyle(el).opacity)
  await page.mouse.move(0, 0)
  assert.equal(await opacity(), '0')
  await item.hover()
  assert.equal(await opacity(), '1')
  await page.mouse.move(0, 0)
  await item.locator('.permalink').focus()
  await page.keyboard.press('Tab')
  assert.equal(await item.locator('.edit-action').evaluate((el) => el === document.activeElement), true)
  assert.equal(await opacity(), '1')
  const ring = await item.locator('.edit-action').evaluate((el) => getComputedStyle(el).outlineStyle)
  assert.notEqual(ring, 'none', 'a visible focus ring')
  await person.close()
})

test('a new message from someone else is announced politely to screen readers, once; a skip link leads to the box', async () => {
  const { person, page, slug } = await personInRoomWith(3)
  await live(page)
  const announcer = page.locator('#announcer')
  assert.equal(await announcer.getAttribute('aria-live'), 'polite')
  assert.equal(await announcer.textContent(), '', 'the history is not read out')
  const other = await signUp(server)
  assert.equal((await other.post(`/rooms/${slug}/membership`, {})).status, 303)
  await postMessage(other, slug, 'hello from across the room')
  await page.waitForFunction(() => document.getElementById('announcer').textContent.includes('hello from across the room'))
  assert.match(await announcer.textContent(), new RegExp(`^${other.username}: hello from across the room$`))
  // my own message is not announced back to me
  await composer(page).textarea.fill('my own words')
  await page.keyboard.press('Enter')
  await messageByText(page, 'my own words').waitFor()
  assert.doesNotMatch(await announcer.textContent(), /my own words/)

  // the skip link is the first thing the keyboard reaches, shown when focused
  await page.reload()
  const first = await page.evaluate(() => document.querySelector('a[href], button, input, textarea, select, summary')?.textContent)
  assert.equal(first, 'Skip to the message box')
  const skip = page.locator('.skip-link')
  await skip.focus()
  assert.ok(await inWindow(page, skip), 'visible when focused')
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.activeElement?.matches('form.composer textarea'))
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})
