// Direct messages and typing between two browsers: "Message" on a member opens the conversation,
// both talk in it live and see each other typing; without JavaScript the same conversation opens
// and works through plain forms.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { signedInPerson, composer, messageByText, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const { server, browser } = await openSite()

async function messageFromMembers(person, other) {
  const { page } = person
  await page.goto('/rooms/lobby/members')
  await Promise.all([
    page.waitForURL(/\/rooms\/dm-[a-z0-9]+$/),
    page.getByRole('button', { name: `Message ${other.username}` }).click(),
  ])
  return new URL(page.url()).pathname
}

test('two people message each other live, and see each other typing', async () => {
  const ana = await signedInPerson(browser, server)
  const ben = await signedInPerson(browser, server)
  const path = await messageFromMembers(ana, ben)
  await ana.page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })
  assert.equal(await ana.page.locator('.room-title h1').textContent(), `${ben.username} @${ben.username}`)

  // Ben finds the conversation in his sidebar, under Direct messages, with Ana's name
  await ben.page.goto('/rooms/lobby')
  const listed = ben.page.getByRole('list', { name: 'Direct messages' }).first().getByRole('link', { name: ana.username })
  await Promise.all([ben.page.waitForURL(`**${path}`), listed.click()])
  await ben.page.locator('[data-live-status="live"]').waitFor({ state: 'attached' })

  await composer(ana.page).textarea.fill('hi Ben')
  await ana.page.keyboard.press('Enter')
  await messageByText(ben.page, 'hi Ben').waitFor({ timeout: 3000 })

  const typingLine = ana.page.locator('.typing')
  await composer(ben.page).textarea.pressSequentially('hello An', { delay: 30 })
  await ana.page.waitForFunction(
    (name) => document.querySelector('.typing')?.textContent === `${name} is typing…`, ben.username, { timeout: 2000 })
  await composer(ben.page).textarea.pressSequentially('a')
  await ben.page.keyboard.press('Enter')
  await messageByText(ana.page, 'hello Ana').waitFor({ timeout: 3000 })
  assert.equal(await typingLine.textContent(), '', 'a message ends "typing…" at once')
  assert.equal(await ben.page.locator('.typing').textContent(), '', 'nobody sees themselves typing')
  assert.deepEqual(problemsExcept(ana), [])
  assert.deepEqual(problemsExcept(ben), [])
  await ana.close()
  await ben.close()
})

test('without JavaScript, "Message" opens the same conversation and posting works', async () => {
  const ana = await signedInPerson(browser, server, { javaScript: false })
  const ben = await signedInPerson(browser, server, { javaScript: false })
  const path = await messageFromMembers(ana, ben)
  assert.equal(await messageFromMembers(ben, ana), path, 'the same conversation from either side')
  await composer(ana.page).textarea.fill('a plain form works')
  await Promise.all([ana.page.waitForURL(`**${path}**`), composer(ana.page).send.click()])
  await ben.page.goto(path)
  await messageByText(ben.page, 'a plain form works').waitFor()
  await ana.close()
  await ben.close()
})
