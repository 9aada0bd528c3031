// What a new password may be, counted as bcrypt and PocketBase count it (UTF-8 bytes, characters),
// on sign-up and the password page; a refused one is a 422 beside the field, never a 500.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Visitor, signUp, logIn, uniqueName, PASSWORD } from '../../helpers/browserless.mjs'
import { startServer } from '../../helpers/server.mjs'
import { fieldError, inputTag } from '../../helpers/markup.mjs'

const TOO_LONG = 'Use at most 71 bytes: a plain letter or digit is one, an accented letter two, an emoji four.'
const ACCENTS = 'é'.repeat(40) // 40 characters, 80 bytes

let server
before(async () => {
  server = await startServer({ env: { HEARTH_LIMIT_SIGNUPS: '1000/3600', HEARTH_LIMIT_FAILED_LOGINS: '1000/600' } })
})
after(async () => { await server?.stop() })

/** failures are the server's error lines logged after its log was from characters long. */
const failures = (server, from) => server.logs().slice(from).split('\n').filter((line) => /\[hearth\]|GoError|Error:|^\s+at |panic/i.test(line))

test('a password of few characters but more than 71 bytes is refused beside the field on sign-up, the rest kept, never a 500', async () => {
  for (const password of [ACCENTS, '😀'.repeat(18), 'p'.repeat(72)]) {
    const from = server.logs().length
    const username = uniqueName()
    const res = await new Visitor(server).post('/signup', { username, name: 'Zoë Long', password, passwordConfirm: password })
    assert.equal(res.status, 422, `${password.length} characters`)
    assert.equal(fieldError(res.text, 'password'), TOO_LONG)
    assert.match(inputTag(res.text, 'username'), new RegExp(`value="${username}"`))
    assert.match(inputTag(res.text, 'name'), /value="Zoë Long"/)
    assert.doesNotMatch(inputTag(res.text, 'password'), /value=/)
    assert.deepEqual(failures(server, from), [])
    assert.equal((await new Visitor(server).post('/login', { username, password })).status, 422, 'no account was made')
  }
})

test('71 bytes is the longest: in plain letters, accents or emoji, it signs up and logs in', async () => {
  for (const password of ['p'.repeat(71), `${'é'.repeat(35)}a`, `${'😀'.repeat(17)}abc`]) {
    const username = uniqueName()
    const res = await new Visitor(server).post('/signup', { username, password, passwordConfirm: password })
    assert.equal(res.status, 303, `${Buffer.byteLength(password)} bytes: ${res.text.slice(0, 300)}`)
    await logIn(server, username, { password })
  }
})

test('eight characters is the shortest, counted as people see them: four emoji are four', async () => {
  const from = server.logs().length
  const four = '😀'.repeat(4) // eight JavaScript characters
  const short = await new Visitor(server).post('/signup', { username: uniqueName(), password: four, passwordConfirm: four })
  assert.equal(short.status, 422)
  assert.equal(fieldError(short.text, 'password'), 'Use at least 8 characters.')
  assert.deepEqual(failures(server, from), [])
  const eight = '😀'.repeat(8)
  const username = uniqueName()
  assert.equal((await new Visitor(server).post('/signup', { username, password: eight, passwordConfirm: eight })).status, 303)
  await logIn(server, username, { password: eight })
})

test('the password page refuses a new password over 71 bytes beside the field and keeps the old one', async () => {
  const alice = await signUp(server)
  const from = server.logs().length
  const res = await alice.post('/me/password', { oldPassword: PASSWORD, password: ACCENTS, passwordConfirm: ACCENTS })
  assert.equal(res.status, 422)
  assert.equal(fieldError(res.text, 'password'), TOO_LONG)
  assert.equal(fieldError(res.text, 'oldPassword'), null, 'the current password was right')
  assert.deepEqual(failures(server, from), [])
  await logIn(server, alice.username)

  const longest = `${'é'.repeat(35)}a`
  assert.equal((await alice.post('/me/password', { oldPassword: PASSWORD, password: longest, passwordConfirm: longest })).status, 303)
  await logIn(server, alice.username, { password: longest })
})

test('a long accented password at log-in is just a wrong password', async () => {
  const bob = await signUp(server)
  const from = server.logs().length
  const res = await new Visitor(server).post('/login', { username: bob.username, password: 'é'.repeat(100) })
  assert.equal(res.status, 422)
  assert.equal(fieldError(res.text, 'username'), 'That username and password do not match.')
  assert.match(inputTag(res.text, 'username'), new RegExp(`value="${bob.username}"`))
  assert.deepEqual(failures(server, from), [])
})
