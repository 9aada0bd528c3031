// Search as people use it: the box in the header finds a message from weeks of history and opens the
// room around it, the message highlighted and in view; the same without JavaScript.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Visitor, postMessage, PASSWORD } from '../tests/helpers/browserless.mjs'
import { signedInPerson, createRoomInBrowser, problemsExcept } from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const { server, browser } = await openSite({ env: { HEARTH_LIMIT_POSTS: '1000/60' } })

/** whether the element is wholly inside the window */
async function inWindow(page, locator) {
  const box = await locator.boundingBox()
  const { width, height } = page.viewportSize()
  return !!box && box.y >= 0 && box.x >= 0 && box.y + box.height <= height + 0.5 && box.x + box.width <= width + 0.5
}

for (const javaScript of [true, false]) {
  test(`${javaScript ? 'with' : 'without'} JavaScript: the header's search finds an old message and opens the room at it, highlighted`, async () => {
    const person = await signedInPerson(browser, server, { javaScript })
    const { page } = person
    const slug = await createRoomInBrowser(person)
    const elsewhere = new Visitor(server)
    assert.equal((await elsewhere.post('/login', { username: person.username, password: PASSWORD })).status, 303)
    const word = `quokka${javaScript ? 'js' : 'nojs'}`
    for (let i = 1; i <= 120; i++) await postMessage(elsewhere, slug, i === 7 ? `the ${word} plan <b>is</b> ready` : `message ${i}`)

    const box = page.getByRole('searchbox', { name: 'Search', exact: true })
    await box.fill(word)
    await Promise.all([page.waitForURL('**/search?q=**'), box.press('Enter')])
    const result = page.locator('.result')
    assert.equal(await result.count(), 1)
    assert.equal(await result.locator('mark').textContent(), word)
    assert.match(await result.locator('.result-snippet').textContent(), /the quokka\w+ plan <b>is<\/b> ready/, 'the text as typed, escaped')
    assert.match(await result.locator('.result-room').textContent(), new RegExp(slug.replace(/-/g, '.')))

    await Promise.all([page.waitForURL(/\/rooms\/.*\?at=7#message-/), result.locator('.result-snippet a').click()])
    const target = page.locator('.message:target')
    await target.waitFor()
    assert.match(await target.locator('.body').textContent(), new RegExp(word))
    assert.ok(await inWindow(page, target), 'the message found is in view')
    const background = await target.evaluate((el) => getComputedStyle(el).backgroundColor)
    assert.notEqual(background, 'rgba(0, 0, 0, 0)', 'and highlighted')
    assert.equal(await page.getByRole('link', { name: 'Newest messages' }).count(), 1)
    assert.deepEqual(problemsExcept(person), [])
    await person.close()
  })
}
