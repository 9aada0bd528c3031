// Reactions and community moderation in Chromium: two people react and each sees the other's
// reaction arrive live (mine marked by /me/style.css); five people downvote a message while a
// sixth watches it collapse to "Hidden by the community" without a reload; and the same with
// JavaScript off, as plain forms and 303s.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  openPerson,
  signUpInBrowser,
  createRoomInBrowser,
  postInBrowser,
  messageItem,
  submitAndWait,
  markPage,
  problemsExcept,
} from './helpers/browser.mjs'
import { openSite } from './helpers/site.mjs'

const WAIT = 15_000

const { server, browser, people } = await openSite({ env: { HEARTH_LIMIT_SIGNUPS: '100/3600' } })

async function person({ javaScript = true } = {}) {
  const p = await openPerson(browser, server, { javaScript, timeout: WAIT })
  people.push(p)
  await signUpInBrowser(p)
  return p
}

async function join(p, slug) {
  await p.page.goto(`/rooms/${slug}`)
  await Promise.all([
    p.page.waitForURL(`**/rooms/${slug}`),
    submitAndWait(p.page, p.page.getByRole('button', { name: `Join #${slug}` }), '/membership'),
  ])
  await p.page.locator('form.composer').waitFor()
}

function waitLive(page) {
  return page.locator('[data-live-status="live"]').waitFor({ state: 'attached', timeout: WAIT })
}

/** react opens the message's picker and presses one emoji; it returns the POST's response. */
async function react(p, id, name) {
  const item = messageItem(p.page, id)
  await item.hover()
  await item.locator('.reaction-picker summary').click()
  const { response } = await submitAndWait(p.page, item.getByRole('button', { name: `React with ${name}` }), '/reactions')
  return response
}

/** reaction is the count button of one emoji under a message. */
const reaction = (page, id, emoji) => messageItem(page, id).locator(`.reaction[value="${emoji}"]`)

test('two people react and each sees the other’s reaction live; mine is marked', async () => {
  const alice = await person()
  const bob = await person()
  const slug = await createRoomInBrowser(alice)
  await join(bob, slug)
  const { id } = await postInBrowser(alice, 'react to this, please')
  await messageItem(bob.page, id).waitFor()
  await Promise.all([waitLive(alice.page), waitLive(bob.page)])
  const still = await markPage(alice.page)

  assert.equal((await react(bob, id, 'thumbs up')).status(), 200, 'htmx')
  await reaction(alice.page, id, '👍').locator('.count', { hasText: '1' }).waitFor()
  assert.match(await reaction(alice.page, id, '👍').getAttribute('title'), new RegExp(bob.username))
  await still('bob’s reaction')

  const background = (page) => reaction(page, id, '👍').evaluate((el) => getComputedStyle(el).backgroundColor)
  const [bobSees, aliceSees] = [await background(bob.page), await background(alice.page)]
  assert.notEqual(bobSees, aliceSees, 'bob’s own reaction is marked for him, not for alice')

  // alice adds hers with the count button itself
  await submitAndWait(alice.page, reaction(alice.page, id, '👍'), '/reactions')
  await reaction(bob.page, id, '👍').locator('.count', { hasText: '2' }).waitFor()
  const label = await reaction(bob.page, id, '👍').getAttribute('aria-label')
  assert.equal(label, `thumbs up, 2: ${bob.username}, ${alice.username}`)
  assert.equal(await background(alice.page), bobSees, 'now alice’s is marked too')
  assert.deepEqual(problemsExcept(alice), [])
  assert.deepEqual(problemsExcept(bob), [])
})

test('five people downvote a message while a sixth watches it collapse', async () => {
  const owner = await person()
  const slug = await createRoomInBrowser(owner)
  const author = await person()
  const watcher = await person()
  const voters = []
  for (let i = 0; i < 5; i++) voters.push(await person())
  for (const p of [author, watcher, ...voters]) await join(p, slug)
  const { id } = await postInBrowser(author, 'something everyone dislikes')
  await waitLive(watcher.page)
  await messageItem(watcher.page, id).waitFor()
  const still = await markPage(watcher.page)
  // the author is not offered a downvote of their own message
  await messageItem(author.page, id).locator('.reaction-picker summary').click()
  assert.equal(await messageItem(author.page, id).getByRole('button', { name: 'React with thumbs down' }).isVisible(), false)

  for (const [i, v] of voters.entries()) {
    await messageItem(v.page, id).waitFor()
    assert.equal((await react(v, id, 'thumbs down')).status(), 200)
    if (i < 4) await reaction(watcher.page, id, '👎').locator('.count', { hasText: String(i + 1) }).waitFor()
  }
  await messageItem(watcher.page, id).getByText('Hidden by the community').waitFor()
  assert.equal(await messageItem(watcher.page, id).getByText('something everyone dislikes').count(), 0)
  await still('the hide')
  // the owner restores it from the moderation page; the watcher sees it come back live
  await owner.page.goto(`/rooms/${slug}/moderation`)
  await Promise.all([owner.page.waitForURL(`**/rooms/${slug}/moderation`), owner.page.getByRole('button', { name: /^Restore #/ }).click()])
  await messageItem(watcher.page, id).getByText('something everyone dislikes').waitFor()
  await still('the restore')
  await owner.page.getByText(`restored by ${owner.username}`).waitFor()
})

test('with JavaScript off: reactions are plain forms, and the watcher sees the message hidden after a reload', async () => {
  const owner = await person({ javaScript: false })
  const slug = await createRoomInBrowser(owner)
  const author = await person({ javaScript: false })
  const watcher = await person({ javaScript: false })
  const voters = []
  for (let i = 0; i < 5; i++) voters.push(await person({ javaScript: false }))
  for (const p of [author, watcher, ...voters]) await join(p, slug)
  const { id } = await postInBrowser(author, 'no script needed to hide this')
  for (const [i, v] of voters.entries()) {
    await v.page.goto(`/rooms/${slug}`)
    const response = await react(v, id, 'thumbs down')
    assert.equal(response.status(), 303)
    await v.page.waitForURL(`**/rooms/${slug}#message-${id}`)
    if (i < 4) {
      await reaction(v.page, id, '👎').locator('.count', { hasText: String(i + 1) }).waitFor()
      const mine = await reaction(v.page, id, '👎').getAttribute('data-by')
      assert.ok(mine.split(' ').length === i + 1)
    }
  }
  await watcher.page.goto(`/rooms/${slug}`)
  await messageItem(watcher.page, id).getByText('Hidden by the community').waitFor()
  assert.equal(await watcher.page.getByText('no script needed to hide this').count(), 0)
  await watcher.page.goto(`/rooms/${slug}/moderation`)
  await watcher.page.getByText('hidden by 5 downvotes').waitFor()
})
