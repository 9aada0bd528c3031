// Browser helpers for Hearth's end-to-end tests: Debian's Chromium driven by playwright-core.
//
// One browser per test file (launchBrowser), one context per person (openPerson): contexts share
// nothing, so two contexts are two people with their own cookies. A context may run with
// JavaScript off, to check that every page works as plain HTML forms.
//
// Sign-ups are rate limited per address (10 an hour; every browser here is 127.0.0.1): a test file
// that signs up more people starts its server with env { HEARTH_LIMIT_SIGNUPS: '50/3600' }.
//
// The server, people without a browser (Visitor, signUp, logIn, postMessage), names and the
// password are the integration tests' own (tests/helpers/): nothing here starts a server or
// signs up over HTTP.
import assert from 'node:assert/strict'
import { chromium } from 'playwright-core'
import { existsSync } from 'node:fs'
import { PASSWORD, uniqueName } from '../../tests/helpers/browserless.mjs'

export const CHROMIUM = process.env.HEARTH_CHROMIUM || '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/** launchBrowser starts a headless Chromium; close it in after(). */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run \`make chromium\` (apt-get install -y chromium)`)
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
}

/**
 * withBrowser waits for a server being started and a new browser together; if either fails, the
 * other is closed before the error is thrown, so a failed start never leaves a server running
 * (which kept the test process alive: a missing Chromium hung the run instead of failing it).
 */
export async function withBrowser(starting) {
  const [server, browser] = await Promise.allSettled([starting, launchBrowser()])
  if (server.status === 'fulfilled' && browser.status === 'fulfilled') return [server.value, browser.value]
  if (server.status === 'fulfilled') await server.value.stop()
  if (browser.status === 'fulfilled') await browser.value.close()
  throw server.status === 'rejected' ? server.reason : browser.reason
}

/**
 * openPerson opens a fresh context (a person with their own cookies) and a page in it.
 * Options: javaScript (default true), timeout (ms for every action and wait, default 10 s),
 * context (more of Playwright's context options: timezoneId, colorScheme, viewport...); viewport
 * ({ width, height }) and colorScheme ('light' or 'dark'; Chromium's default is light) also on their own.
 * It returns { context, page, problems, javaScript, close() }: problems collects console errors,
 * uncaught page errors and Content-Security-Policy violations (see problemsExcept).
 */
export async function openPerson(browser, server, { javaScript = true, timeout = 10_000, context: options = {}, viewport, colorScheme } = {}) {
  const context = await browser.newContext({ ...options, baseURL: server.url, javaScriptEnabled: javaScript, ...(viewport && { viewport }), ...(colorScheme && { colorScheme }) })
  context.setDefaultTimeout(timeout)
  context.setDefaultNavigationTimeout(timeout)
  const problems = []
  if (javaScript) {
    // The DOM reports every CSP violation as an event; tell the test about it through a binding
    // (bindings and init scripts come in through the DevTools protocol, which CSP does not govern).
    await context.exposeBinding('__hearthCspViolation', (_source, v) => problems.push(`CSP violation: ${v}`))
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        globalThis.__hearthCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || '?'}:${e.lineNumber}`)
      })
    })
  }
  const page = await context.newPage()
  watchPage(page, problems)
  // HEARTH_E2E_DEBUG=1 prints every form post, to see what htmx (or the browser) sent
  if (process.env.HEARTH_E2E_DEBUG) page.on('request', (r) => r.method() === 'POST' && console.log('POST', r.url(), r.headers()['hx-request'] ?? '-', r.postData()))
  return {
    context,
    page,
    problems,
    javaScript,
    username: null,
    close: () => context.close(),
  }
}

/** watchPage records a page's console errors, uncaught errors and CSP messages into problems. */
export function watchPage(page, problems) {
  page.on('console', (msg) => {
    const text = msg.text()
    if (msg.type() === 'error' || /Content Security Policy/i.test(text)) {
      const where = msg.location()?.url ? ` (${msg.location().url})` : ''
      problems.push(`console.${msg.type()}: ${text}${where}`)
    }
  })
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
}

/**
 * problemsExcept returns the recorded problems that none of the allowed patterns match, e.g. the
 * "Failed to load resource: ... 422" line Chromium logs for a form answered with 422 on purpose.
 */
export function problemsExcept(person, ...allowed) {
  return person.problems.filter((p) => !allowed.some((re) => re.test(p)))
}

/**
 * countNavigations counts the documents the page loads (reloads and new pages, not htmx swaps
 * nor history.replaceState), with their URLs.
 */
export function countNavigations(page) {
  const counter = { loads: 0, urls: [] }
  page.on('domcontentloaded', () => {
    counter.loads++
    counter.urls.push(page.url())
  })
  return counter
}

/**
 * markPage leaves a mark in the page's window and returns a check that it is still there: a
 * reload or a new page loses it. The check takes what was just done, for its message.
 */
export async function markPage(page) {
  const marker = `m${Math.random()}`
  await page.evaluate((m) => { window.__hearthMarker = m }, marker)
  return async (what) => assert.equal(await page.evaluate(() => window.__hearthMarker), marker, `${what ? `${what}: ` : ''}the page was reloaded`)
}

/** pathOf is a page's path and query, without origin or fragment. */
export function pathOf(page) {
  const u = new URL(page.url())
  return u.pathname + u.search
}

/**
 * submitAndWait clicks a submit button and waits for the POST it causes, returning
 * { request, response } for that POST (response.status() is 303 for a redirected plain form post).
 */
export async function submitAndWait(page, button, urlPart) {
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === 'POST' && (!urlPart || r.url().includes(urlPart))),
    button.click(),
  ])
  const response = await request.response()
  return { request, response }
}

/**
 * signUpInBrowser fills in the sign-up form and lands in the lobby.
 * It sets person.username and returns the username.
 */
export async function signUpInBrowser(person, username = uniqueName(), { name } = {}) {
  const { page } = person
  await page.goto('/signup')
  await page.getByLabel('Username').fill(username)
  if (name) await page.getByLabel('Display name').fill(name)
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByLabel('Password again').fill(PASSWORD)
  await Promise.all([page.waitForURL('**/rooms/lobby'), page.getByRole('button', { name: 'Sign up' }).click()])
  person.username = username
  return username
}

/** signedInPerson opens a person (see openPerson) who has just signed up and is in the lobby. */
export async function signedInPerson(browser, server, options = {}) {
  const person = await openPerson(browser, server, options)
  await signUpInBrowser(person, options.username)
  return person
}

/** logInInBrowser logs in through the log-in form and lands on the room list. */
export async function logInInBrowser(person, username, { password = PASSWORD } = {}) {
  const { page } = person
  await page.goto('/login')
  await page.getByLabel('Username').fill(username)
  await page.getByLabel('Password').fill(password)
  await Promise.all([page.waitForURL('**/rooms**'), page.getByRole('button', { name: 'Log in' }).click()])
  person.username = username
}

/** createRoomInBrowser creates a room through the room list's form and returns its slug. */
export async function createRoomInBrowser(person, { name = uniqueName('room').replace(/_/g, '-'), kind = 'public', topic } = {}) {
  const { page } = person
  await page.goto('/rooms')
  await page.getByLabel('Name', { exact: true }).fill(name)
  if (topic) await page.getByLabel(/^Topic/).fill(topic)
  await page.getByRole('radio', { name: new RegExp(`^${kind}`, 'i') }).check()
  await Promise.all([page.waitForURL(/\/rooms\/[^/]+$/), page.getByRole('button', { name: 'Create room' }).click()])
  return new URL(page.url()).pathname.replace(/^\/rooms\//, '')
}

/** composer returns the room page's message form and its parts. */
export function composer(page) {
  const form = page.locator('form#composer')
  return {
    form,
    textarea: form.locator('textarea[name="body"]'),
    send: form.getByRole('button', { name: 'Send' }),
    error: form.locator('.field-error'),
  }
}

/**
 * sendComposer clicks Send and waits until the answer is on the page: a new composer, swapped in
 * by htmx (200 or 422) or on the next page (303, or 422 without JavaScript). Until then the old
 * composer, with any old error, is still there. It returns submitAndWait's { request, response }.
 */
export async function sendComposer(page) {
  const c = composer(page)
  await c.form.evaluate((form) => form.setAttribute('data-e2e-sent', ''))
  const sent = await submitAndWait(page, c.send, '/messages')
  await page.locator('form#composer:not([data-e2e-sent])').waitFor()
  return sent
}

/** messageItem is the <li> of a message, by id. */
export function messageItem(page, id) {
  return page.locator(`#messages > li#message-${id}`)
}

/** messageByText is the <li> of the (single) message whose body has this text. */
export function messageByText(page, text) {
  return page.locator('#messages > li.message').filter({ has: page.locator('.body', { hasText: text }) })
}

/** messageIdOf reads the message id from its <li>. */
export async function messageIdOf(item) {
  const id = await item.getAttribute('id')
  return id.replace(/^message-/, '')
}

/**
 * postInBrowser types a message into the composer and sends it, waiting for the message to
 * show up (swapped in by htmx, or on the page the 303 leads to). It returns { id, response }
 * where response is the POST's (200 with htmx, 303 without). Use sendComposer for posts meant to fail.
 */
export async function postInBrowser(person, body) {
  const { page } = person
  const c = composer(page)
  await c.textarea.fill(body)
  const { response } = await sendComposer(page)
  const status = response.status()
  if (status !== 200 && status !== 303) throw new Error(`posting failed with ${status}: ${(await response.text()).slice(0, 300)}`)
  if (status === 303) await page.waitForURL(new URL(response.headers().location, page.url()).href)
  const item = messageByText(page, body).last()
  await item.waitFor()
  return { id: await messageIdOf(item), response }
}

/** logOutInBrowser uses the header's "Log out" link and the form behind it; it lands on /login. */
export async function logOutInBrowser(person) {
  const { page } = person
  await Promise.all([page.waitForURL('**/logout'), page.getByRole('link', { name: 'Log out' }).click()])
  await Promise.all([page.waitForURL('**/login'), page.getByRole('button', { name: 'Log out of this browser' }).click()])
  person.username = null
}

/**
 * deleteInBrowser deletes a message through its Delete button and what that asks first: the
 * dialog with JavaScript, the confirmation page without. It returns submitAndWait's
 * { request, response } of the deletion's POST.
 */
export async function deleteInBrowser(person, item) {
  const { page } = person
  if (person.javaScript) {
    await item.getByRole('button', { name: 'Delete' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete this message?' })
    return submitAndWait(page, dialog.getByRole('button', { name: 'Delete' }), '/deletion')
  }
  await Promise.all([page.waitForURL('**/deletion**'), item.getByRole('button', { name: 'Delete' }).click()])
  return submitAndWait(page, page.getByRole('button', { name: 'Delete' }), '/deletion')
}
