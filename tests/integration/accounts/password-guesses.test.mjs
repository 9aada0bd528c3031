// A wrong current password on /me/password is a failed log-in: it counts against the address's
// limit, shared with the log-in page, and against the account's own, so a session someone else
// holds cannot be used to guess its password without limit.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startServer } from '../../helpers/server.mjs'
import { startServerWithSuperuser, api } from '../../helpers/admin.mjs'
import { Visitor, signUp, PASSWORD } from '../../helpers/browserless.mjs'
import { fieldError } from '../../helpers/markup.mjs'

const FROM_HERE = 'Too many failed log-ins from your network. Please wait a few minutes and try again.'
const FOR_ACCOUNT = 'Too many wrong passwords for this account. Please wait a few minutes and try again.'
const NEW_PASSWORD = 'a-new-password-1'

let server
before(async () => {
  server = await startServerWithSuperuser({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_FAILED_LOGINS: '10/600' } })
  // each test guesses from addresses of its own, as a trusted proxy reports them
  const res = await api(server, 'PATCH', '/api/settings', { token: server.superuserToken, body: { trustedProxy: { headers: ['X-Forwarded-For'], useLeftmostIP: false } } })
  assert.equal(res.status, 200, res.text)
})
after(async () => { await server?.stop() })

const from = (address) => ({ headers: { 'X-Forwarded-For': address } })

/** guess posts the password form with a current password, from an address. */
const guess = (v, oldPassword, address) => v.post('/me/password', { oldPassword, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD }, from(address))

const count = (answers) => answers.reduce((n, r) => ({ ...n, [r.status]: (n[r.status] || 0) + 1 }), {})

test('30 wrong current passwords at once: 10 are checked, the rest 429 beside the field; then the right one too, and the log-in page shares the limit', async () => {
  const alice = await signUp(server)
  const here = '203.0.113.1'
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => guess(alice, `wrong-${i}`, here)))
  assert.deepEqual(count(answers), { 422: 10, 429: 20 })
  for (const r of answers.filter((r) => r.status === 422)) assert.equal(fieldError(r.text, 'oldPassword'), 'That is not your current password.')
  const refused = answers.find((r) => r.status === 429)
  assert.equal(fieldError(refused.text, 'oldPassword'), FROM_HERE)
  assert.match(refused.text, /<form method="post" action="\/me\/password"/, 'the form is shown again')

  const right = await guess(alice, PASSWORD, here)
  assert.equal(right.status, 429, 'no password is checked once the slots are gone')
  assert.equal(fieldError(right.text, 'oldPassword'), FROM_HERE)
  const login = await new Visitor(server).post('/login', { username: alice.username, password: PASSWORD }, from(here))
  assert.equal(login.status, 429, 'the log-in page counts the same failures')
  assert.equal(fieldError(login.text, 'username'), FROM_HERE)

  // the password did not change, and another address logs in with it
  assert.equal((await new Visitor(server).post('/login', { username: alice.username, password: PASSWORD }, from('203.0.113.2'))).status, 303)
})

test('failed log-ins use up the password page too', async () => {
  const bob = await signUp(server)
  const here = '203.0.113.3'
  for (let i = 0; i < 10; i++) {
    assert.equal((await new Visitor(server).post('/login', { username: bob.username, password: `wrong-${i}` }, from(here))).status, 422)
  }
  const right = await guess(bob, PASSWORD, here)
  assert.equal(right.status, 429)
  assert.equal(fieldError(right.text, 'oldPassword'), FROM_HERE)
})

test('a session guessing from many addresses runs out of its account\'s own 10', async () => {
  const carol = await signUp(server)
  const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => guess(carol, `wrong-${i}`, `198.51.100.${i + 1}`)))
  assert.deepEqual(count(answers), { 422: 10, 429: 20 })
  assert.equal(fieldError(answers.find((r) => r.status === 429).text, 'oldPassword'), FOR_ACCOUNT)
  const right = await guess(carol, PASSWORD, '198.51.100.200')
  assert.equal(right.status, 429)
  assert.equal(fieldError(right.text, 'oldPassword'), FOR_ACCOUNT)
  // the account's limit is the password page's: its owner still logs in elsewhere
  assert.equal((await new Visitor(server).post('/login', { username: carol.username, password: PASSWORD }, from('198.51.100.201'))).status, 303)
})

test('the right current password gives its slots back: after nine wrong and the right one, one more wrong guess is still checked', async () => {
  const dave = await signUp(server)
  const here = '203.0.113.4'
  for (let i = 0; i < 9; i++) assert.equal((await guess(dave, `wrong-${i}`, here)).status, 422)
  const right = await guess(dave, PASSWORD, here)
  assert.equal(right.status, 303)
  assert.equal(right.location, '/me/sessions?password=changed')
  assert.equal((await guess(dave, 'wrong-again', here)).status, 422, 'the tenth failure')
  assert.equal((await guess(dave, NEW_PASSWORD, here)).status, 429, 'and then none')
})

test('once the window has passed the right current password works again', async () => {
  // long enough that the 15 checks (bcrypt each) end inside it on a loaded machine
  const WINDOW_SECONDS = 10
  const short = await startServer({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_FAILED_LOGINS: `10/${WINDOW_SECONDS}` } })
  try {
    const erin = await signUp(short)
    const started = Date.now()
    const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => erin.post('/me/password', { oldPassword: `wrong-${i}`, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })))
    assert.deepEqual(count(answers), { 422: 10, 429: 5 })
    assert.equal((await erin.post('/me/password', { oldPassword: PASSWORD, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })).status, 429)
    await sleep(started + WINDOW_SECONDS * 1000 + 500 - Date.now())
    const right = await erin.post('/me/password', { oldPassword: PASSWORD, password: NEW_PASSWORD, passwordConfirm: NEW_PASSWORD })
    assert.equal(right.status, 303)
  } finally {
    await short.stop()
  }
})
