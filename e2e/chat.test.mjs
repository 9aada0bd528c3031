// Hearth in a real browser: signing up, rooms, posting, editing, deleting, bad input and logging
// out, with JavaScript on (htmx) and off (plain HTML forms and 303 redirects).
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { signUp, postMessage, uniqueName } from '../tests/helpers/browserless.mjs'
import {
  openPerson,
  signUpInBrowser,
  logInInBrowser,
  createRoomInBrowser,
  postInBrowser,
  logOutInBrowser,
  composer,
  messageItem,
  messageByText,
  countNavigations,
  submitAndWait,
  sendComposer,
  problemsExcept,
  pathOf,
  markPage,
  deleteInBrowser,
} from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const { server, browser, people } = await openSite()
let other // a second person, without a browser, who posts where the browser's person reads

before(async () => {
  other = await signUp(server, uniqueName('other'))
})

async function person(options) {
  const p = await openPerson(browser, server, options)
  people.push(p)
  return p
}

/** otherPostsIn makes the second person join a public room (unless it is the lobby) and post there. */
async function otherPostsIn(slug, body) {
  if (slug !== 'lobby') {
    const joined = await other.post(`/rooms/${slug}/membership`, {})
    assert.equal(joined.status, 303, `joining ${slug}: ${joined.text.slice(0, 300)}`)
  }
  return postMessage(other, slug, body)
}

/** the edit and delete actions this person can see on a message (CSS from /me/style.css decides) */
async function visibleActions(item) {
  return {
    edit: await item.locator('.edit-action').isVisible(),
    delete: await item.locator('.delete-action').isVisible(),
  }
}

/**
 * The shared part of the JS-on and JS-off flows, from the lobby on: create a room, post, edit,
 * delete, and the actions shown on one's own and someone else's messages.
 */
async function chatFlow(p) {
  const { page } = p
  const js = p.javaScript
  const nav = countNavigations(page)

  // create a public room through the form
  const roomName = uniqueName(js ? 'js-room' : 'plain-room').replace(/_/g, '-')
  const createPost = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/rooms')
  const slug = await createRoomInBrowser(p, { name: roomName, kind: 'public' })
  const created = await (await createPost).response()
  assert.equal(created.status(), 303, 'room creation answers with a redirect')
  assert.equal(pathOf(page), `/rooms/${slug}`)
  assert.equal(await page.locator('#room h1').innerText(), `#${roomName}`)
  assert.equal(await page.locator('#room h1 .badge').count(), 0, 'a public room has no "private" badge')
  assert.equal(await page.locator('#room').getAttribute('data-role'), 'owner')
  assert.equal(await page.locator('#messages > li.message').count(), 0)

  // post a message with the composer
  const c = composer(page)
  const body = `first words ${uniqueName('m')}`
  const checkMarker = js ? await markPage(page) : null
  const loadsBefore = nav.loads
  const { id, response: posted } = await postInBrowser(p, body)
  const postHeaders = await posted.request().allHeaders()
  if (js) {
    assert.equal(postHeaders['hx-request'], 'true', 'htmx sent the post')
    assert.equal(posted.status(), 200, 'htmx gets the new message and a fresh composer, not a redirect')
    await checkMarker()
    assert.equal(nav.loads, loadsBefore, `the page navigated: ${nav.urls.slice(loadsBefore).join(', ')}`)
    assert.equal(pathOf(page), `/rooms/${slug}`)
  } else {
    assert.equal(postHeaders['hx-request'], undefined, 'a plain form post has no HX-Request header')
    assert.equal(posted.status(), 303, 'a plain form post is answered with a 303')
    assert.equal(posted.headers().location, `/rooms/${slug}#message-${id}`)
    assert.equal(new URL(page.url()).hash, `#message-${id}`)
    assert.ok(nav.loads > loadsBefore, 'the browser followed the redirect')
  }
  const mine = messageItem(page, id)
  assert.equal(await mine.locator('.body').innerText(), body)
  assert.equal(await mine.locator('.author').innerText(), `${p.username} @${p.username}`)
  assert.equal(await c.textarea.inputValue(), '', 'the composer is cleared after sending')
  assert.equal(await c.error.count(), 0)
  assert.equal(await page.locator('#messages > li.message').count(), 1)
  assert.equal(await page.locator('#empty').isVisible(), false, '"No messages yet" is gone once there is one')
  assert.deepEqual(await visibleActions(mine), { edit: true, delete: true }, 'own message: edit and delete')
  if (js) {
    // a second post from the fresh composer htmx swapped in (its new one-time token must work)
    const second = await postInBrowser(p, `second words ${uniqueName('m')}`)
    assert.equal(second.response.status(), 200)
    assert.notEqual(second.id, id)
    await checkMarker()
    assert.equal(await page.locator('#messages > li.message').count(), 2)
    assert.equal(await c.textarea.inputValue(), '')
  }

  // edit it through its Edit link
  await Promise.all([page.waitForURL(`**/rooms/*/messages/${id}/edit`), mine.getByRole('link', { name: 'Edit' }).click()])
  const editor = page.getByLabel('Message')
  assert.equal(await editor.inputValue(), body, 'the editor starts with the message as written')
  const edited = `${body} (now better)`
  await editor.fill(edited)
  const { response: saved } = await submitAndWait(page, page.getByRole('button', { name: 'Save' }), '/edit')
  assert.equal(saved.status(), 303)
  await page.waitForURL(`**/rooms/${slug}#message-${id}`)
  assert.equal(await messageItem(page, id).locator('.body').innerText(), edited)
  assert.equal(await messageItem(page, id).locator('.edited').innerText(), '(edited)')
  assert.equal(await messageItem(page, id).locator('.edited').isVisible(), true)

  // someone else's messages: never editable; deletable only by the room's owner (moderation)
  const theirs = await otherPostsIn(slug, `hello from ${other.username}`)
  const inLobby = await otherPostsIn('lobby', `lobby hello from ${other.username} ${uniqueName('m')}`)
  await page.reload()
  const theirItem = messageItem(page, theirs)
  assert.equal(await theirItem.locator('.author').innerText(), `${other.username} @${other.username}`)
  assert.deepEqual(await visibleActions(theirItem), { edit: false, delete: true }, "someone else's message in my own room")
  assert.deepEqual(await visibleActions(messageItem(page, id)), { edit: true, delete: true }, 'own message after reload')
  await page.goto('/rooms/lobby')
  assert.equal(await page.locator('#room').getAttribute('data-role'), 'member')
  assert.deepEqual(await visibleActions(messageItem(page, inLobby)), { edit: false, delete: false }, "someone else's message where I am a member")
  // hiding the link is not the only lock: the edit page refuses
  const refused = await page.goto(`/rooms/${slug}/messages/${theirs}/edit`)
  assert.equal(refused.status(), 403)
  assert.match(await page.locator('.error-message').innerText(), /only edit your own/)

  // delete own message
  await page.goto(`/rooms/${slug}`)
  const checkMarker2 = js ? await markPage(page) : null
  const loadsBeforeDelete = nav.loads
  const toDelete = messageItem(page, id)
  const { request: delReq, response: deleted } = await deleteInBrowser(p, toDelete)
  if (js) {
    assert.equal(delReq.headers()['hx-request'], 'true')
    assert.equal(deleted.status(), 200)
    await toDelete.waitFor({ state: 'hidden' }) // removed from the page (or hidden, never shown again)
    await checkMarker2()
    assert.equal(nav.loads, loadsBeforeDelete, 'deleting with htmx does not reload the page')
  } else {
    assert.equal(deleted.status(), 303)
    assert.equal(deleted.headers().location, `/rooms/${slug}`)
    await page.waitForURL(`**/rooms/${slug}`) // without htmx: the confirmation page, then the 303 to the room
    assert.ok(nav.loads > loadsBeforeDelete)
  }
  assert.equal(await messageItem(page, id).isVisible(), false, 'the deleted message is gone')
  assert.equal(await messageByText(page, edited).isVisible(), false)
  assert.equal(await theirItem.count(), 1, 'the other messages stay')
  await page.reload()
  assert.equal(await messageItem(page, id).count(), 0, 'and it stays gone after a reload')
  assert.equal(await messageByText(page, edited).count(), 0)
  return { slug, refusedUrl: refused.url() }
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const refused403 = (url) => new RegExp(`status of 403 \\(Forbidden\\) \\(${escapeRe(url)}\\)$`)

test('with JavaScript: signing up, creating a room, posting, editing and deleting work through htmx without reloading the page, under a strict CSP', async () => {
  const p = await person({ javaScript: true })
  const username = await signUpInBrowser(p)
  assert.equal(pathOf(p.page), '/rooms/lobby')
  assert.equal(await p.page.locator('#room h1').innerText(), '#Lobby')
  assert.match(await p.page.locator('header.site .me').innerText(), new RegExp(`@${username}`))
  assert.equal(await p.page.evaluate(() => typeof window.htmx), 'object', 'htmx is loaded')
  // the CSP is on (else "no violations" below would prove nothing) and strict: no inline script or style
  const lobby = await p.page.reload()
  assert.match(lobby.headers()['content-security-policy'], /script-src 'self';/)
  assert.match(lobby.headers()['content-security-policy'], /style-src 'self';/)
  const { refusedUrl } = await chatFlow(p)
  // the one error expected: Chromium logs the 403 of the edit page the test opened on purpose
  assert.deepEqual(problemsExcept(p, refused403(refusedUrl)), [], 'no console errors, page errors or CSP violations')
})

test('without JavaScript: signing up, creating a room, posting, editing and deleting work as plain form posts and 303 redirects', async () => {
  const p = await person({ javaScript: false })
  await signUpInBrowser(p)
  assert.equal(pathOf(p.page), '/rooms/lobby')
  assert.equal(await p.page.locator('#room h1').innerText(), '#Lobby')
  const { refusedUrl } = await chatFlow(p)
  assert.deepEqual(problemsExcept(p, refused403(refusedUrl)), [])
})

test('bad input: an empty, blank or too long message shows the error by the composer', async () => {
  const p = await person({ javaScript: true })
  const { page } = p
  await signUpInBrowser(p)
  const slug = await createRoomInBrowser(p)
  const nav = countNavigations(page)
  const checkMarker = await markPage(page)
  const c = composer(page)

  const rejected = async (typed, error) => {
    const { request, response } = await sendComposer(page)
    assert.equal(request.headers()['hx-request'], 'true')
    assert.equal(response.status(), 422)
    assert.match(await c.error.innerText(), error)
    assert.equal(await c.error.getAttribute('id'), 'body-error')
    assert.equal(await c.textarea.getAttribute('aria-invalid'), 'true')
    assert.equal(await c.textarea.getAttribute('aria-describedby'), 'body-error')
    assert.equal(await c.textarea.inputValue(), typed, 'what was typed is kept')
    assert.equal(await page.locator('#messages > li.message').count(), 0, 'nothing was posted')
    await checkMarker()
    assert.equal(nav.loads, 0)
  }

  // whitespace satisfies `required`, so the browser sends it and the server refuses it
  await c.textarea.fill('   \n\t  ')
  await rejected('   \n\t  ', /^Write something first\.$/)

  // empty: the browser would stop it (required), so take that lock off to reach the server's
  await c.textarea.evaluate((t) => t.removeAttribute('required'))
  await c.textarea.fill('')
  await rejected('', /^Write something first\.$/)

  // too long: nothing cuts it in the browser; the box counts how much is over, the server refuses
  const long = `${'long '.repeat(800)}and one more word`
  assert.ok(long.length > 4000)
  assert.equal(await c.textarea.getAttribute('maxlength'), null, 'no maxlength: a paste is never cut silently')
  await c.textarea.fill(long)
  assert.equal(await page.locator("form.composer .composer-count").innerText(), `${long.length - 4000} over the limit of 4000`)
  await rejected(long, new RegExp(`at most 4000 characters; this one has ${long.length}\\.`))

  // fixing it clears the error
  const fine = `fine now ${uniqueName('m')}`
  const { id, response } = await postInBrowser(p, fine)
  assert.equal(response.status(), 200)
  assert.equal(await c.error.count(), 0)
  assert.equal(await c.textarea.getAttribute('aria-invalid'), null)
  assert.equal(await c.textarea.inputValue(), '')
  assert.equal(await messageItem(page, id).locator('.body').innerText(), fine)
  await checkMarker()
  // Chromium logs each 422 answer as a failed resource load; anything else is a problem
  assert.deepEqual(problemsExcept(p, /Failed to load resource: the server responded with a status of 422/), [])

  // without JavaScript: the same refusal is a whole page, answered 422, with the text kept
  const plain = await person({ javaScript: false })
  await logInInBrowser(plain, p.username)
  await plain.page.goto(`/rooms/${slug}`)
  const pc = composer(plain.page)
  await pc.textarea.fill('  \n ')
  const { response: plainResponse } = await sendComposer(plain.page)
  assert.equal(plainResponse.status(), 422)
  assert.equal(pathOf(plain.page), `/rooms/${slug}/messages`)
  assert.equal(await pc.error.innerText(), 'Write something first.')
  assert.equal(await pc.textarea.inputValue(), '  \n ')
  assert.equal(await plain.page.locator('#room h1').count(), 1, 'the room is shown around the composer')
  assert.equal(await messageItem(plain.page, id).count(), 1)
})

for (const javaScript of [true, false]) {
  test(`logging out (JavaScript ${javaScript ? 'on' : 'off'}) removes the session cookie and sends the rooms back to the log-in page`, async () => {
    const p = await person({ javaScript })
    const { page } = p
    await signUpInBrowser(p)
    assert.ok((await p.context.cookies()).some((c) => c.name === 'hearth_session'))
    await logOutInBrowser(p)
    assert.equal(pathOf(page), '/login')
    assert.equal(await page.locator('header.site .me').count(), 0)
    assert.equal(await page.getByRole('link', { name: 'Log in' }).count(), 1)
    assert.equal((await p.context.cookies()).some((c) => c.name === 'hearth_session'), false, 'the session cookie is gone')
    // the rooms are closed now: back to the log-in page, which returns here afterwards
    await page.goto('/rooms/lobby')
    assert.equal(pathOf(page), `/login?next=${encodeURIComponent('/rooms/lobby')}`)
    assert.deepEqual(p.problems, [])
  })
}
