// Subscribing a browser's realtime connection to rooms. PocketBase's own subscribe endpoint reads
// no cookie and accepts any topic from anyone, so Hearth's pages subscribe through this instead:
// the user comes from the session cookie and every topic is authorized.
import { HttpError } from '../runtime/context'
import { LIMITS, guard } from '../runtime/limits'
import type { User } from '../accounts/session'
import type { PageRequest } from '../runtime/request'
import { roomOfTopic, ME_TOPIC } from './topics'
import { standingIn, mayRead } from '../chat/policy'
import { SESSION_COOKIE, hashOf } from '../accounts/session'

export const MAX_TOPICS = 20
const CLIENT_IP_KEY = 'pbRealtimeClientIP'
/** set by the relay when the connection opens: the SHA-256 of the session cookie its EventSource sent */
const CLIENT_SESSION_KEY = 'hearthSession'

export function subscribe(request: PageRequest, user: User | null, clientId: string, topics: string[]): string[] {
  if (!user) throw new HttpError(401, 'Log in to receive live updates.')
  guard(LIMITS.subscriptions, user.id, 'Too many subscribe requests. Wait a minute, then reload the page.')
  let client: any
  try {
    client = $relay.client(clientId)
  } catch {
    throw new HttpError(404, 'That realtime connection does not exist (any more).')
  }
  if (client.get(CLIENT_IP_KEY) !== request.ip) throw new HttpError(403, 'That realtime connection was opened from another address.')
  // a connection belongs to the session that opened it: knowing its id is not enough to take it
  const secret = request.cookie(SESSION_COOKIE) || ''
  if (!secret || client.get(CLIENT_SESSION_KEY) !== hashOf(secret)) {
    throw new HttpError(403, 'That realtime connection was opened by another session.')
  }
  const current = client.get('auth')
  if (current && current.id !== user.id) throw new HttpError(403, 'That realtime connection belongs to someone else.')
  if (topics.length > MAX_TOPICS) throw new HttpError(422, `Subscribe to at most ${MAX_TOPICS} rooms at once.`)
  const refused = () => topics.find((topic) => topic !== ME_TOPIC && !mayFollow(topic, user.id))
  const first = refused()
  if (first) throw new HttpError(403, `You may not follow ${first}.`)
  client.set('auth', $app.findRecordById('users', user.id))
  // follow, not subscribe: the relay counts its user present in these rooms (src/realtime/presence.ts)
  client.follow(...topics)
  // and then ask again: a removal that committed between the check and the follow found this
  // connection not yet following, so its revoke missed it, and the person stayed in the room's
  // "Here now" and got its lists; one that commits after this check revokes the follow itself
  const late = refused()
  if (late) {
    client.unsubscribe(...topics)
    throw new HttpError(403, `You may not follow ${late}.`)
  }
  return topics
}

// whether the user may follow a room's topic ("me" is everyone's own and never asked about)
function mayFollow(topic: string, userId: string): boolean {
  const roomId = roomOfTopic(topic)
  let room: any = null
  try {
    room = roomId ? $app.findRecordById('rooms', roomId) : null
  } catch {
    room = null
  }
  return !!room && mayRead(standingIn(room, userId))
}
