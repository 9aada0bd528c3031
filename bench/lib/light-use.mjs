// Light use, before an idle server's memory is read (bench/small-machine.mjs, bench/idle-memory.mjs):
// 21 people sign up, one makes a room the others join, then 20 posts, each followed by a room page
// view. Returns the room's setup (bench/lib/setup.mjs).
import { setupRoom } from './setup.mjs'
import { signUp } from '../../tests/helpers/browserless.mjs'

export async function lightUse(server) {
  const setup = await setupRoom(server, { readers: 20 })
  const visitor = await signUp(server)
  for (let i = 0; i < 20; i++) {
    await setup.poster.visitor.post(`/rooms/${setup.slug}/messages`, { body: `light use ${i}`, nonce: `light-${i}-${Date.now()}` })
    await visitor.get(`/rooms/${setup.slug}`)
  }
  return setup
}
