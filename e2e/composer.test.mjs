// The composer as people use it with JavaScript: Enter sends, Shift+Enter starts a new line, and
// the cursor stays in the box for the next message.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../tests/helpers/server.mjs'
import { withBrowser, signedInPerson, composer, messageByText, problemsExcept } from './helpers/browser.mjs'

let server
let browser
before(async () => {
  ;[server, browser] = await withBrowser(startServer())
})
after(async () => {
  await browser?.close()
  await server?.stop()
})

test('Enter sends, Shift+Enter adds a line, and the composer keeps the focus', async () => {
  const person = await signedInPerson(browser, server)
  const { page } = person
  const box = composer(page).textarea
  await box.click()
  await box.type('first line')
  await page.keyboard.press('Shift+Enter')
  await box.type('second line')
  assert.equal(await box.inputValue(), 'first line\nsecond line')

  await page.keyboard.press('Enter')
  const sent = messageByText(page, 'second line')
  await sent.waitFor()
  assert.match(await sent.locator('.body').innerHTML(), /first line<br>\s*second line/)
  await page.waitForFunction(() => document.activeElement?.matches('form.composer textarea'))
  assert.equal(await composer(page).textarea.inputValue(), '')

  // Enter in an empty box sends nothing
  const before = await page.locator('#messages > li.message').count()
  await page.keyboard.press('Enter')
  await page.waitForTimeout(500)
  assert.equal(await page.locator('#messages > li.message').count(), before)
  assert.deepEqual(problemsExcept(person), [])
  await person.close()
})
