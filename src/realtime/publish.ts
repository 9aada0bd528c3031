// sseSend: push HTML to the browsers subscribed to a topic and allowed to see it.
//
// Delivery goes through $relay, Hearth's Go binding (src/server/relay), because PocketBase's own
// client.send blocks on a client that stops reading. Payloads are JSON: a newline in the HTML can
// never break the SSE stream.
import { roomOfTopic } from './topics'
import { audience as roomAudience } from '../chat/policy'

/** Filter narrows the default audience; it gets PocketBase's realtime client. */
export type Filter = (client: any) => boolean

/** Envelope is what a browser receives for one event. */
export interface Envelope {
  html: string
  /** the event's position in the room's history, when it has one */
  seq?: number
  /** the recorded event's id, which tells this history from another that reuses its positions */
  id?: string
}

/**
 * sendHtml publishes html on a topic now; seq orders it within its room. The audience is decided
 * now, at sending. Returns the recipients.
 */
export function sendHtml(app: any, topic: string, html: string, filter?: Filter | null, seq = 0, id = ''): number {
  const roomId = roomOfTopic(topic)
  if (!roomId) throw new Error(`sseSend: unknown topic "${topic}"; Hearth publishes on rooms/<id> only`)
  const audience = roomAudience(app, roomId)
  const envelope: Envelope = seq ? { html, seq, id } : { html }
  return $relay.publish({
    topic,
    data: JSON.stringify(envelope),
    room: roomId,
    seq,
    users: audience.users,
    anyUser: audience.anyUser,
    filter: filter || null,
  })
}
