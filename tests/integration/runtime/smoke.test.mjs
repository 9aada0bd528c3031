import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startServer } from '../../helpers/server.mjs'
import { signUp, createRoom, postMessage } from '../../helpers/browserless.mjs'
import { messageIds } from '../../helpers/markup.mjs'

let server
before(async () => { server = await startServer() })
after(async () => { await server?.stop() })

test('a new person lands in the lobby and can post there', async () => {
  const alice = await signUp(server)
  const id = await postMessage(alice, 'lobby', 'hello from the smoke test')
  const page = await alice.get('/rooms/lobby')
  assert.equal(page.status, 200)
  assert.deepEqual(messageIds(page.text).slice(-1), [id])
  assert.match(page.text, /hello from the smoke test/)
  const slug = await createRoom(alice, { kind: 'private' })
  assert.equal((await alice.get(`/rooms/${slug}`)).status, 200)
})
