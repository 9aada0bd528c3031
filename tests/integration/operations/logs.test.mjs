// Logs: what PocketBase records of each request (Dashboard > Logs) and Hearth's own errors hold no
// session cookie, token or password, and a page that fails is logged with its route and the
// person's id, read here the way an operator reads them: through the superuser API.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServerWithSuperuser, api, userIdOf } from '../../helpers/admin.mjs'
import { signUp, createRoom, postMessage, apiToken, logIn, PASSWORD } from '../../helpers/browserless.mjs'
import { Subscriber } from '../../helpers/sse.mjs'
import { liveAttributes } from '../../helpers/markup.mjs'

const FAILING_PAGE = "module.exports = () => { throw new Error('the fixture page failed on purpose') }"

let server
before(async () => {
  server = await startServerWithSuperuser({ extraPages: { 'test-failure/+get.js': FAILING_PAGE, 'test-failure/index.ejs': 'never shown' } })
})
after(async () => { await server?.stop() })

/** logsUntil reads the logs through the superuser API until found(logs) holds (PocketBase writes them in batches) */
async function logsUntil(found, ms = 10000) {
  const deadline = Date.now() + ms
  for (;;) {
    const res = await api(server, 'GET', '/api/logs?perPage=1000&sort=-created', { token: server.superuserToken })
    assert.equal(res.status, 200, res.text)
    if (found(res.json.items) || Date.now() > deadline) return res.json.items
    await new Promise((r) => setTimeout(r, 250))
  }
}

test('request logs and Hearth\'s errors hold no secret; a failed page is logged with its route and the person\'s id', async () => {
  const person = await signUp(server)
  const again = await logIn(server, person.username) // a second session cookie
  const slug = await createRoom(person)
  await postMessage(person, slug, 'logged?')
  const tab = new Subscriber(person)
  await tab.connect()
  const live = liveAttributes((await person.get(`/rooms/${slug}`)).text)
  assert.equal((await tab.subscribe([live.topic])).status, 200)
  tab.close()
  await person.get(`/rooms/${slug}/events?after=0&event=${live.eventId}`)
  const token = await apiToken(server, person.username)
  await api(server, 'GET', '/api/collections/messages/records', { token })
  const failed = await person.get('/test-failure')
  assert.equal(failed.status, 500)
  assert.doesNotMatch(failed.text, /failed on purpose/, 'the error stays in the log, not on the page')

  const userId = await userIdOf(person)
  const logs = await logsUntil((items) => items.some((l) => l.message === 'Hearth: a page failed'))
  const failure = logs.find((l) => l.message === 'Hearth: a page failed')
  assert.ok(failure, 'the failure is in the logs')
  assert.equal(failure.level, 8) // error
  assert.equal(failure.data.path, '/test-failure')
  assert.equal(failure.data.method, 'GET')
  assert.equal(failure.data.user, userId)
  assert.match(failure.data.error, /failed on purpose/)

  const all = JSON.stringify(logs)
  assert.ok(logs.some((l) => l.data?.url?.startsWith('/rooms/')), 'requests are logged')
  const secrets = {
    'a session cookie': person.sessionToken,
    'another session cookie': again.sessionToken,
    'an API token': token,
    'the password': PASSWORD,
    'the superuser token': server.superuserToken,
  }
  for (const [what, secret] of Object.entries(secrets)) {
    assert.ok(secret && secret.length > 8, `${what} is known`)
    assert.equal(all.includes(secret), false, `${what} is in the logs`)
  }
})
