// People and a room for a benchmark: one poster who creates a public room, and a few reader
// accounts that many connections share (each with a Hearth session cookie and a REST token).
import { signUp, createRoom, apiToken, uniqueName } from '../../tests/helpers/browserless.mjs'
import { roomIdOf } from '../../tests/helpers/admin.mjs'
import { postMessage, postForm, request } from './common.mjs'

export async function setupRoom(server, { readers = 20 } = {}) {
  const poster = await signUp(server, uniqueName('poster'))
  const slug = await createRoom(poster, { name: uniqueName('bench').replace(/_/g, '-'), kind: 'public' })
  const roomId = await roomIdOf(poster, slug)
  const accounts = []
  for (let i = 0; i < readers; i++) {
    const v = await signUp(server, uniqueName('reader'))
    accounts.push({ username: v.username, cookie: v.cookieHeader(), token: await apiToken(server, v.username) })
  }
  return {
    poster: { visitor: poster, cookie: poster.cookieHeader(), token: await apiToken(server, poster.username) },
    slug,
    roomId,
    hearthTopic: `rooms/${roomId}`,
    pbTopic: 'messages/*',
    accounts,
  }
}

/** fill posts n plain messages (for a room page with history). */
export async function fill(server, setup, n, body = (i) => `Message number ${i}: some **formatted** text, a [link](https://example.com/${i}) and \`code\`.`) {
  for (let i = 0; i < n; i++) await postMessage(server, setup.slug, setup.poster.cookie, body(i))
}

/** reactToAll has `people` new members give each emoji to every message in the room. */
export async function reactToAll(server, setup, { people, emoji }) {
  const page = await request(server, 'GET', `/rooms/${setup.slug}`, { headers: { Cookie: setup.poster.cookie } })
  const ids = [...page.body.matchAll(/<li class="message" id="message-([a-z0-9]+)"/g)].map((m) => m[1])
  for (let i = 0; i < people; i++) {
    const v = await signUp(server, uniqueName('reactor'))
    const cookie = v.cookieHeader()
    await postForm(server, `/rooms/${setup.slug}/membership`, {}, { cookie })
    for (const id of ids) {
      for (const e of emoji) {
        const res = await postForm(server, `/rooms/${setup.slug}/messages/${id}/reactions`, { emoji: e }, { cookie })
        if (res.status !== 303) throw new Error(`reaction failed with ${res.status}`)
      }
    }
  }
}
