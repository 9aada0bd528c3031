// Hearth with the keyboard only (Tab, Shift+Tab, Enter, arrows, Escape and typing; no clicks): log
// in, reach a room from the rooms list and another from the sidebar, send, edit with Up and leave
// the edit with Escape, reach a message's actions with as many Tab stops per message as actions
// (none for a timestamp), and use the skip link where the box is not focused for you (a narrow
// window, the rooms in a menu). Every element the keyboard reaches shows that it has the focus.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { signUp, createRoom, postMessage, uniqueText, PASSWORD } from '../tests/helpers/browserless.mjs'
import { openPerson, messageByText, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const DESKTOP = { width: 1280, height: 800 }
const NARROW = { width: 700, height: 800 }

const { server, browser } = await openSite()

/**
 * focused describes the element that has the focus, and whether a person can see that it has it:
 * it is shown (no transparent or hidden ancestor), in the window, and drawn with a focus ring.
 */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return { what: 'body', seen: false, why: 'nothing has the focus' }
    const message = el.closest('li.message')
    const what = {
      what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} "${(el.textContent || el.value || '').trim().slice(0, 40)}"`,
      tag: el.tagName.toLowerCase(),
      message: message ? message.id : null,
      href: el.getAttribute('href'),
    }
    const style = getComputedStyle(el)
    const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1) || style.boxShadow !== 'none'
    if (!ring) return { ...what, seen: false, why: 'no focus ring' }
    for (let up = el; up; up = up.parentElement) {
      const s = getComputedStyle(up)
      if (s.opacity === '0' || s.visibility === 'hidden' || s.display === 'none') return { ...what, seen: false, why: `hidden by ${up.tagName.toLowerCase()}.${up.className}` }
    }
    const box = el.getBoundingClientRect()
    const inWindow = box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth
    return { ...what, seen: inWindow, why: inWindow ? '' : 'outside the window' }
  })
}

/**
 * tabUntil presses key (Tab or Shift+Tab) until the focused element passes wanted, at most `max`
 * times, checking at every stop that the focus can be seen. It returns every stop on the way.
 */
async function tabUntil(page, wanted, { key = 'Tab', max = 40 } = {}) {
  const stops = []
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key)
    const now = await focused(page)
    stops.push(now)
    assert.ok(now.seen, `after ${stops.length} × ${key} the focus is not visible on ${now.what}: ${now.why}`)
    if (wanted(now)) return stops
  }
  assert.fail(`${max} × ${key} never reached it; the stops were:\n${stops.map((s) => s.what).join('\n')}`)
}

/** enterTo presses Enter (or another key) and waits for the page it leads to */
async function enterTo(page, url, key = 'Enter') {
  await Promise.all([page.waitForURL(url), page.keyboard.press(key)])
}

const inComposer = (page) => page.evaluate(() => document.activeElement?.matches('form.composer textarea'))

test('log in, change rooms, send, edit and reach a message\'s actions with the keyboard alone, the focus always visible', async () => {
  const me = await signUp(server)
  const friend = await signUp(server)
  const first = await createRoom(friend, { kind: 'public' })
  const second = await createRoom(friend, { kind: 'public' })
  for (const slug of [first, second]) assert.equal((await me.post(`/rooms/${slug}/membership`, {})).status, 303)
  for (let i = 1; i <= 3; i++) await postMessage(friend, second, `from a friend ${i}, see https://example.com/${i}`)

  const person = await openPerson(browser, server, { viewport: DESKTOP })
  const { page } = person
  await page.goto('/login')
  const toUsername = await tabUntil(page, (f) => f.what.startsWith('input#username'), { max: 6 })
  await page.keyboard.type(me.username)
  await tabUntil(page, (f) => f.what.startsWith('input#password'), { max: 1 })
  await page.keyboard.type(PASSWORD)
  await enterTo(page, '**/rooms')
  assert.ok(toUsername.length <= 5, `the log-in form comes right after the header (${toUsername.length} stops)`)

  // the rooms list, then the sidebar
  await tabUntil(page, (f) => f.href === `/rooms/${first}`)
  await enterTo(page, `**/rooms/${first}`)
  await page.waitForFunction(() => document.activeElement?.matches('form.composer textarea'))
  // (the friend's messages wait there: the link leads to the first of them, #unread)
  const back = await tabUntil(page, (f) => f.href === `/rooms/${second}#unread`, { key: 'Shift+Tab', max: 10 })
  assert.ok(back.some((s) => s.what.startsWith('div#timeline')), 'the messages are one stop, to scroll them with the arrows')
  await enterTo(page, `**/rooms/${second}#unread`)
  await page.waitForFunction(() => document.activeElement?.matches('form.composer textarea'))

  // send two messages, then the Tab stops of each message: mine have Edit and Delete, a friend's none
  const words = [uniqueText('typed'), uniqueText('typed again')]
  for (const text of words) {
    await page.keyboard.type(text)
    await page.keyboard.press('Enter')
    await messageByText(page, text).waitFor()
  }
  await page.waitForFunction(() => document.querySelector('form.composer textarea').value === '')
  const upward = await tabUntil(page, (f) => f.what.startsWith('div#timeline'), { key: 'Shift+Tab', max: 24 })
  const perMessage = {}
  for (const stop of upward) if (stop.message) (perMessage[stop.message] ||= []).push(stop.what.replace(/ ".*/, ''))
  const ids = await page.locator('#messages > li.message').evaluateAll((items) => items.map((li) => ({ id: li.id, mine: li.dataset.author === document.body.dataset.user })))
  assert.equal(ids.filter((m) => m.mine).length, 2)
  for (const { id } of ids.filter((m) => m.mine)) {
    assert.deepEqual(perMessage[id], ['summary', 'button.link', 'a.edit-action'], `my message ${id}: the reactions, Delete and Edit, nothing else`)
  }
  // a friend's message: the links in it, and the reactions (one stop until opened)
  const friendsStops = upward.filter((s) => s.message && !ids.find((m) => m.id === s.message)?.mine && s.tag !== 'summary')
  for (const { id } of ids.filter((m) => !m.mine)) assert.deepEqual(perMessage[id].filter((w) => w === 'summary'), ['summary'], `${id}: one stop for its reactions`)
  assert.ok(friendsStops.every((s) => s.tag === 'a' && /^https:\/\/example\.com/.test(s.href)), `a friend's message stops only at the links in it:\n${friendsStops.map((s) => s.what).join('\n')}`)
  assert.equal(upward.filter((s) => s.what.startsWith('a.permalink')).length, 0, 'no stop at a timestamp')

  // Enter on my last message's Edit, change it, save
  const lastMine = ids.filter((m) => m.mine).at(-1).id
  await tabUntil(page, (f) => f.message === lastMine && f.what.startsWith('a.edit-action'), { max: 24 })
  await enterTo(page, /\/edit$/)
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'body', 'the edit page starts in the box')
  await page.keyboard.press('End')
  await page.keyboard.type(' (changed)')
  await tabUntil(page, (f) => f.what.startsWith('button') && f.what.includes('Save'), { max: 1 })
  await enterTo(page, new RegExp(`/rooms/${second}#${lastMine}$`))
  await messageByText(page, `${words[1]} (changed)`).waitFor()

  // from the message the address named, Tab reaches its actions, then the box; Up edits, Escape leaves
  const onward = await tabUntil(page, (f) => f.what.startsWith('textarea'), { max: 4 })
  assert.deepEqual(onward.map((s) => s.what.replace(/ ".*/, '')), ['a.edit-action', 'button.link', 'summary', 'textarea#body'])
  await Promise.all([page.waitForURL(/\/edit$/), page.keyboard.press('ArrowUp')])
  assert.match(await page.locator('textarea#body').inputValue(), /\(changed\)$/, 'Up edits my last message')
  await page.keyboard.type('never saved')
  await enterTo(page, new RegExp(`/rooms/${second}#${lastMine}$`), 'Escape')
  assert.equal(await messageByText(page, 'never saved').count(), 0, 'Escape keeps the message as it was')
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})

test('in a narrow window the skip link is the first stop and leads to the box; the rooms menu opens with Enter', async () => {
  const me = await signUp(server)
  const owner = await signUp(server)
  const other = await createRoom(owner, { kind: 'public' })
  assert.equal((await me.post(`/rooms/${other}/membership`, {})).status, 303)
  const person = await openPerson(browser, server, { viewport: NARROW })
  const { page } = person
  await page.goto('/login')
  await tabUntil(page, (f) => f.what.startsWith('input#username'), { max: 6 })
  await page.keyboard.type(me.username)
  await page.keyboard.press('Tab')
  await page.keyboard.type(PASSWORD)
  await enterTo(page, '**/rooms')
  await tabUntil(page, (f) => f.href === '/rooms/lobby')
  await enterTo(page, '**/rooms/lobby')
  assert.equal(await inComposer(page), false, 'a narrow window does not put the focus in the box')

  const [skip] = await tabUntil(page, () => true, { max: 1 })
  assert.match(skip.what, /^a\.skip-link "Skip to the message box"/)
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.activeElement?.matches('form.composer textarea'))
  const text = uniqueText('after the skip link')
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
  await messageByText(page, text).waitFor()

  // the rooms menu: Shift+Tab back to it, Enter opens it, Tab reaches the other room
  await tabUntil(page, (f) => f.tag === 'summary' && f.what.includes('Rooms'), { key: 'Shift+Tab', max: 24 })
  await page.keyboard.press('Enter')
  await tabUntil(page, (f) => f.href === `/rooms/${other}`, { max: 4 })
  await enterTo(page, `**/rooms/${other}`)
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})
