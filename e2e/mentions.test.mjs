// Mentions in Chromium: a message that mentions someone is highlighted for that person alone (by
// their /me/style.css over the same fragment everyone gets), with JavaScript on and off; and the
// composer completes names from the keyboard without losing what was typed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { signUp, createRoom, uniqueName } from '../tests/helpers/browserless.mjs'
import { signedInPerson, createRoomInBrowser, postInBrowser, composer, messageItem, messageByText, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const { server, browser, people } = await openSite({ env: { HEARTH_LIMIT_SIGNUPS: '50/3600' } })

async function person(options) {
  const p = await signedInPerson(browser, server, options)
  people.push(p)
  return p
}

/** whether a message is shown highlighted as mentioning the person looking (the inset edge /me/style.css adds) */
const highlighted = (item) => item.evaluate((li) => getComputedStyle(li).boxShadow !== 'none')

for (const javaScript of [true, false]) {
  test(`a mention is highlighted only for the person mentioned (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
    const [author, mentioned, bystander] = [await person({ javaScript }), await person({ javaScript }), await person({ javaScript })]
    const slug = await createRoomInBrowser(author)
    for (const p of [mentioned, bystander]) {
      await p.page.goto(`/rooms/${slug}`)
      await p.page.getByRole('button', { name: `Join #${slug}` }).click()
      await composer(p.page).textarea.waitFor()
    }
    const { id } = await postInBrowser(author, `over to you @${mentioned.username}`)
    const { id: plain } = await postInBrowser(author, 'nobody in particular')
    for (const p of [author, mentioned, bystander]) {
      // with JavaScript the messages arrive live; without it, on the next load of the page
      if (!javaScript && p !== author) await p.page.reload()
      await messageItem(p.page, plain).waitFor()
      const item = messageItem(p.page, id)
      assert.equal(await highlighted(item), p === mentioned, `${p === mentioned ? 'the mentioned person' : p === author ? 'the author' : 'a bystander'} sees the highlight: ${p === mentioned}`)
      assert.equal(await highlighted(messageItem(p.page, plain)), false)
      // everyone gets the same link to the person
      const link = item.getByRole('link', { name: `@${mentioned.username}` })
      assert.match(await link.getAttribute('href'), /^\/people\/[a-z0-9]+$/)
    }
    // the link leads to the mentioned person's page
    await messageItem(bystander.page, id).getByRole('link', { name: `@${mentioned.username}` }).click()
    await bystander.page.getByRole('heading', { name: mentioned.username }).waitFor()
    for (const p of [author, mentioned, bystander]) assert.deepEqual(problemsExcept(p), [])
  })
}

test('the composer completes names by keyboard (arrows, Enter, Tab, Escape) and never loses what was typed', async () => {
  const author = await person()
  const other = await signUp(server, uniqueName('friend'))
  const slug = await createRoom(other)
  await author.page.goto(`/rooms/${slug}`)
  await author.page.getByRole('button', { name: `Join #${slug}` }).click()
  const { page } = author
  const box = composer(page).textarea
  await box.click()
  // (seven letters of "friend_" and four of its random part: other tests' friends share the first eight)
  await box.pressSequentially(`hi @${other.username.slice(0, 11)}`)
  const list = page.getByRole('listbox', { name: 'People to mention' })
  await list.waitFor()
  const options = list.getByRole('option')
  assert.equal(await options.count(), 1, 'only the member whose name starts so')
  assert.match(await options.first().innerText(), new RegExp(`@${other.username}`))
  assert.equal(await box.getAttribute('aria-activedescendant'), await options.first().getAttribute('id'))
  assert.equal(await options.first().getAttribute('aria-selected'), 'true')

  // Escape closes it and keeps every letter; typing on offers it again
  await page.keyboard.press('Escape')
  await list.waitFor({ state: 'detached' })
  assert.equal(await box.inputValue(), `hi @${other.username.slice(0, 11)}`)
  assert.equal(await box.getAttribute('aria-activedescendant'), null)
  await box.pressSequentially(other.username.slice(11, 12))
  await list.waitFor()

  // arrows move within it, Enter takes the name (and sends nothing), the focus stays in the box
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('Enter')
  await list.waitFor({ state: 'detached' })
  assert.equal(await box.inputValue(), `hi @${other.username} `)
  assert.equal(await page.locator('#messages > li.message').count(), 0, 'Enter took the name, it sent nothing')
  assert.ok(await box.evaluate((b) => document.activeElement === b && b.selectionStart === b.value.length))

  // Tab takes one too; then Enter sends, and the names are mentions
  await box.pressSequentially(`and @${author.username.slice(0, 9)}`)
  await list.waitFor()
  await page.keyboard.press('Tab')
  await list.waitFor({ state: 'detached' })
  await box.pressSequentially('welcome')
  assert.equal(await box.inputValue(), `hi @${other.username} and @${author.username} welcome`)
  await page.keyboard.press('Enter')
  const sent = messageByText(page, 'welcome')
  await sent.waitFor()
  assert.equal(await sent.locator('a.mention').count(), 2)
  assert.deepEqual(problemsExcept(author), [])
})
