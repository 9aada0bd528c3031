// The first run and the admin's settings in a real browser, with the keyboard only (Tab, arrows,
// typing and Enter), and axe-core clean on every state: the first-run page, its errors, the
// settings, their errors and the invite links, one of them revoked.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName, PASSWORD } from '../tests/helpers/browserless.mjs'
import { openPerson, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'
import { accessibilityAudit } from './helpers/axe.mjs'

const { server, browser } = await openSite()

/** tabTo presses Tab until the element with this id has the focus (at most 30 times). */
async function tabTo(page, id) {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate((want) => document.activeElement?.id === want, id)) return
  }
  assert.fail(`Tab never reached #${id}`)
}

test('the first visitor sets Hearth up and changes its settings with the keyboard, and axe finds nothing', async () => {
  const person = await openPerson(browser, server)
  const { page } = person
  const audit = accessibilityAudit(page)
  await page.goto('/')
  assert.equal(new URL(page.url()).pathname, '/setup')
  await audit.check('the first-run page')

  const username = uniqueName('admin')
  await tabTo(page, 'username')
  await page.keyboard.type(username)
  await tabTo(page, 'password')
  await page.keyboard.type('short')
  await Promise.all([page.waitForLoadState(), page.keyboard.press('Enter')])
  await page.locator('.field-error').first().waitFor()
  await audit.check('the first-run page with errors')
  assert.equal(await page.locator('#username').inputValue(), username, 'the username is kept')

  await tabTo(page, 'password')
  await page.keyboard.type(PASSWORD)
  await page.keyboard.press('Tab')
  await page.keyboard.type(PASSWORD)
  await Promise.all([page.waitForURL('**/rooms/lobby'), page.keyboard.press('Enter')])
  assert.match(await page.locator('footer.release').innerText(), /^Hearth \d+\.\d+\.\d+ on PocketBase/)

  await page.goto('/admin/settings')
  await audit.check('the settings page')
  await tabTo(page, 'siteName')
  await page.keyboard.type('Campfire')
  // the sign-ups radios: Tab into the group, arrow to "By invite link"
  await page.keyboard.press('Tab')
  await page.keyboard.press('ArrowDown')
  assert.equal(await page.locator('input[name="registration"]:checked').inputValue(), 'invite')
  await tabTo(page, 'hideAt')
  await page.keyboard.type('many')
  await Promise.all([page.waitForLoadState(), page.keyboard.press('Enter')])
  await page.locator('.field-error').first().waitFor()
  await audit.check('the settings page with an error')
  assert.equal(await page.locator('#siteName').inputValue(), 'Campfire', 'what was typed is kept')

  await tabTo(page, 'hideAt')
  await page.keyboard.press('Control+A')
  await page.keyboard.type('3')
  await Promise.all([page.waitForURL('**/admin/settings?saved'), page.keyboard.press('Enter')])
  await page.getByRole('status').waitFor()
  assert.equal(await page.locator('a.brand').innerText(), 'Campfire')
  assert.match(await page.title(), /· Campfire$/)
  await audit.check('the settings page, saved')

  await page.goto('/admin/people')
  await audit.check('the people page')
  await page.goto('/admin/invites')
  await tabTo(page, 'maxUses')
  await page.keyboard.press('Control+A')
  await page.keyboard.type('2')
  await Promise.all([page.waitForLoadState(), page.keyboard.press('Enter')])
  await page.locator('#new-invite').waitFor()
  await audit.check('the invite links with a new link')
  const link = await page.locator('#new-invite').getAttribute('href')

  const guest = await openPerson(browser, server)
  await guest.page.goto('/signup')
  assert.match(await guest.page.locator('main').innerText(), /Sign-ups here are by invite/)
  await guest.page.goto(link)
  await guest.page.getByLabel('Username').fill(uniqueName('invited'))
  await guest.page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await guest.page.getByLabel('Password again').fill(PASSWORD)
  await Promise.all([guest.page.waitForURL('**/rooms/lobby'), guest.page.getByRole('button', { name: 'Sign up' }).click()])
  assert.equal(await guest.page.locator('footer.release').count(), 0, 'people who are not admins see no release')
  assert.equal((await guest.page.goto('/admin/settings')).status(), 403)
  await guest.close()

  // the admin revokes the link: the next person it was given to is told so
  await page.goto('/admin/invites')
  await page.getByRole('button', { name: /^Revoke/ }).first().focus()
  await page.keyboard.press('Enter')
  await page.getByText('(revoked)').waitFor()
  await audit.check('the invite links with a revoked link')
  const late = await openPerson(browser, server)
  await late.page.goto(link)
  assert.match(await late.page.locator('main').innerText(), /This invite link was revoked by an admin/)
  await late.close()

  audit.assertClean()
  assert.deepEqual(problemsExcept(person, /Failed to load resource/), [])
  await person.close()
})
