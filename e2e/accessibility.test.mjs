// axe-core finds nothing on any page Hearth serves: signed out and in, as a member, an owner and a
// public reader, with form errors shown, in the system's light and dark schemes, on a desktop and
// on a phone (with the rooms menu open).
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { signUp, createRoom, postMessage, uniqueText } from '../tests/helpers/browserless.mjs'
import { openPerson, logInInBrowser, composer, sendComposer, messageByText, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'
import { accessibilityAudit } from './helpers/axe.mjs'

const DESKTOP = { width: 1280, height: 800 }
const PHONE = { width: 390, height: 844 }
const LOOKS = [
  { name: 'light, desktop', colorScheme: 'light', viewport: DESKTOP },
  { name: 'dark, desktop', colorScheme: 'dark', viewport: DESKTOP },
  { name: 'light, phone', colorScheme: 'light', viewport: PHONE },
  { name: 'dark, phone', colorScheme: 'dark', viewport: PHONE },
]
// Chromium logs the 4xx answers these pages are meant to give, and the post whose connection the test drops
const EXPECTED = [/Failed to load resource/, /htmx:error: Failed to fetch/]

const { server, browser } = await openSite({ env: { HEARTH_LIMIT_SIGNUPS: '50/3600', HEARTH_LIMIT_POSTS: '1000/60' } })
let owner
let square // a public room of the owner's, with more than a page of messages
let ownersMessage
before(async () => {
  owner = await signUp(server)
  square = await createRoom(owner, { kind: 'public' })
  for (let i = 1; i <= 55; i++) ownersMessage = await postMessage(owner, square, `message ${i} with a [link](https://example.com/${i}) and \`code\``)
})

for (const look of LOOKS) {
  test(`axe finds no violations on any page (${look.name})`, async () => {
    const person = await openPerson(browser, server, { viewport: look.viewport, colorScheme: look.colorScheme })
    const { page } = person
    const audit = accessibilityAudit(page)
    const visit = async (path, what) => {
      await page.goto(path)
      await audit.check(what)
    }
    const phone = look.viewport === PHONE

    // signed out
    await visit('/signup', 'the sign-up page')
    await page.getByRole('button', { name: 'Sign up' }).click()
    await page.locator('.field-error').first().waitFor()
    await audit.check('the sign-up page with errors')
    await visit('/login', 'the log-in page')
    await page.getByLabel('Username').fill('nobody-here')
    await page.getByRole('button', { name: 'Log in' }).click()
    await page.locator('.field-error').waitFor()
    await audit.check('the log-in page with an error')
    await visit('/rooms/lobby', 'a room signed out')
    assert.match(page.url(), /\/login\?next=%2Frooms%2Flobby$/, 'the log-in page, and back to the room after it')
    await visit('/no/such/page', 'the 404 page, signed out')

    // a public reader, then a member
    const me = await signUp(server)
    await logInInBrowser(person, me.username)
    await audit.check('the rooms list')
    await visit(`/rooms/${square}`, 'a public room as a reader')
    await Promise.all([page.waitForURL(`**/rooms/${square}`), page.getByRole('button', { name: `Join #${square}` }).click()])
    await page.locator('form#composer').waitFor()
    await audit.check('the room as a member')
    if (phone) {
      await page.locator('.rooms-menu summary').click()
      await page.locator('.rooms-menu .my-rooms').waitFor()
      await audit.check('the room with the rooms menu open')
      await page.locator('.rooms-menu summary').click()
    }
    const c = composer(page)
    await c.textarea.fill('x'.repeat(5000))
    await sendComposer(page)
    await c.error.waitFor()
    await audit.check('the room with the composer refusing a message')
    const words = uniqueText('my own words')
    await c.textarea.fill(words)
    await sendComposer(page)
    const mine = messageByText(page, words)
    await mine.waitFor()
    await mine.locator('.permalink').focus()
    await audit.check("the room with a message's actions shown")
    await page.route('**/messages', (route) => route.abort('internetdisconnected'))
    await c.textarea.fill('typed on a train')
    await c.textarea.press('Enter')
    await page.locator('.composer-note', { hasText: 'no connection' }).waitFor()
    await audit.check('the room with a message not sent')
    await page.unroute('**/messages')
    const mineId = (await mine.getAttribute('id')).replace('message-', '')
    await visit(await page.getByRole('link', { name: 'Older messages' }).getAttribute('href'), 'an older page of the room')
    await visit(`/rooms/${square}/members`, 'the members page as a member')
    await visit(`/rooms/${square}/messages/${mineId}/edit`, 'the edit page')
    await page.locator('textarea#body').fill('')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.locator('.field-error').waitFor()
    await audit.check('the edit page with an error')
    await visit(`/rooms/${square}/messages/${mineId}/deletion`, 'the deletion page')
    await visit(`/rooms/${square}/messages/${ownersMessage}/edit`, "the 403 page (someone else's message)")
    assert.equal(await page.locator('h1').textContent(), 'Not allowed')
    await visit('/rooms/no-such-room', 'the 404 page, signed in')

    // an owner, with someone to remove
    const mySlug = await createRoom(me, { kind: 'private' })
    assert.equal((await me.post(`/rooms/${mySlug}/members`, { username: owner.username })).status, 303)
    await visit(`/rooms/${mySlug}/members`, 'the members page as an owner')
    await page.getByRole('button', { name: 'Add' }).click()
    await page.locator('.field-error').waitFor()
    await audit.check('the members page with an error')
    await visit(`/rooms/${mySlug}`, 'an empty private room as its owner')
    const closing = await createRoom(owner, { kind: 'private' })
    assert.equal((await owner.post(`/rooms/${closing}/members`, { username: me.username })).status, 303)
    await page.goto(`/rooms/${closing}`)
    await page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })
    assert.equal((await owner.post(`/rooms/${closing}/members/${me.username}/removal`, {})).status, 303)
    await page.locator('#room-closed').waitFor()
    await audit.check('a private room I was just removed from')

    // the person's own pages
    await visit('/me/sessions', 'the sessions page')
    const other = await page.locator('.session:not(.current)').count()
    assert.equal(other, 1, 'the browserless sign-up is another session')
    const ending = await page.locator('.session:not(.current) form').getAttribute('action')
    await visit(ending, 'the page that ends a session')
    await visit('/me/password', 'the password page')
    await page.getByLabel('Current password').fill('not it')
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.locator('.field-error').first().waitFor()
    await audit.check('the password page with errors')
    await visit('/me/picture', 'the picture page')
    await page.getByRole('button', { name: 'Upload' }).click()
    await page.locator('.field-error').waitFor()
    await audit.check('the picture page with an error')
    await visit('/logout', 'the log-out page')

    audit.assertClean()
    assert.deepEqual(problemsExcept(person, ...EXPECTED), [])
    await person.close()
  })
}
