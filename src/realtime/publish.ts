// sseSend, the one way Hearth publishes: HTML to the browsers following a room and allowed to
// read it at the moment it is sent.
//
// Delivery goes through $relay, Hearth's Go binding (src/server/relay), because PocketBase's own
// client.send blocks on a client that stops reading. Payloads are JSON: a newline in the HTML can
// never break the SSE stream.
import { roomOfTopic, roomTopic } from './topics'
import { recordRoomEvent, type RoomEvent } from './history'
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

export interface SendOptions {
  /** narrows who receives it: an ephemeral signal (typing, presence), never recorded */
  filter?: Filter | null
  /** what a recorded event is about (a message id), see recordRoomEvent */
  subject?: string
}

/** Sent is what sseSend did: the recorded event (to hand over after the commit) and who got it. */
export interface Sent {
  event: RoomEvent | null
  recipients: number
}

/**
 * sseSend publishes html to a room's topic, the same way for pages and for record hooks:
 *  - With a filter it is an ephemeral signal: sent now, to the room's readers the filter admits,
 *    with no position, and never replayed (a filtered event cannot be shared history).
 *  - Otherwise it is recorded as the room's next event. Inside a transaction (app is one: a record
 *    hook's, or the caller's) it is only recorded, and the caller hands the returned event over
 *    once that transaction has committed (handOver); outside one it is recorded in a transaction
 *    of its own and handed over at once. Either way a browser never gets an event the history
 *    lacks, and catch-up replays every one.
 */
export function sseSend(app: any, topic: string, html: string, options: SendOptions = {}): Sent {
  const roomId = roomOfTopic(topic)
  if (!roomId) throw new Error(`sseSend: unknown topic "${topic}"; Hearth publishes on rooms/<id> only`)
  if (options.filter) return { event: null, recipients: sendHtml(app, topic, html, options.filter) }
  if (app.isTransactional()) return { event: recordRoomEvent(app, roomId, html, options.subject || ''), recipients: 0 }
  let event: RoomEvent | null = null
  app.runInTransaction((tx: any) => {
    event = recordRoomEvent(tx, roomId, html, options.subject || '')
  })
  return { event, recipients: handOver(app, event!) }
}

/** handOver gives a committed event to the relay, which sends it to everyone who may read the room now. */
export function handOver(app: any, event: RoomEvent): number {
  return sendHtml(app, roomTopic(event.room), event.html, null, event.seq, event.id)
}

/**
 * notifyPerson sends one person's open tabs of a room a notice about their own access (removed
 * from a private room): the only send that is not to the room's readers, because that person no
 * longer is one. It carries no room content, has no position and is never replayed.
 */
export function notifyPerson(app: any, topic: string, userId: string, html: string): number {
  const roomId = roomOfTopic(topic)
  if (!roomId) throw new Error(`notifyPerson: unknown topic "${topic}"`)
  return $relay.publish({ topic, data: JSON.stringify({ html }), room: roomId, seq: 0, users: [userId], anyUser: false, filter: null })
}

/**
 * sendHtml publishes html on a topic now; seq orders it within its room. The audience is decided
 * now, at sending. Returns the recipients.
 */
function sendHtml(app: any, topic: string, html: string, filter?: Filter | null, seq = 0, id = ''): number {
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
