// Typing: "Ana is typing…" for the others in a room. An ephemeral signal: sent to the room's
// readers who are connected now (never to the typist), with no position, never stored or replayed.
import { HttpError } from '../runtime/context'
import { LIMITS, take } from '../runtime/limits'
import { renderPartial } from '../runtime/partials'
import type { User } from '../accounts/session'
import { sseSend } from '../realtime/publish'
import { roomTopic } from '../realtime/topics'
import { standingIn, mayPost } from './policy'

/** typing tells the room's other readers the user is typing; false when over the limit (nothing sent). */
export function typing(user: User, roomRecord: any): boolean {
  if (!mayPost(standingIn(roomRecord, user.id))) throw new HttpError(403, 'Join this room to post in it.')
  if (!take(LIMITS.typing, user.id)) return false
  const html = renderPartial('typing', { person: { id: user.id, name: user.name } })
  sseSend($app, roomTopic(roomRecord.id), html, { filter: (client: any) => client.get('auth')?.id !== user.id })
  return true
}
