// sseSend, the one way Hearth publishes: HTML to the browsers following a room and allowed to
// read it at the moment it is sent.
//
// Delivery goes through $relay, Hearth's Go binding (src/server/relay), because PocketBase's own
// client.send blocks on a client that stops reading. Payloads are JSON: a newline in the HTML can
// never break the SSE stream.
import { roomOfTopic, ME_TOPIC } from './topics'
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

/**
 * Sent is what sseSend did: in a transaction, the recorded event and, ready for the relay with
 * its audience, what to hand over once the transaction commits; otherwise who got it.
 */
export interface Sent {
  event: RoomEvent | null
  pending: RelayEvent | null
  recipients: number
}

/**
 * sseSend publishes html to a room's topic, the same way for pages and for record hooks:
 *  - With a filter it is an ephemeral signal: sent now, to the room's readers the filter admits,
 *    with no position, and never replayed (a filtered event cannot be shared history).
 *  - Otherwise it is recorded as the room's next event. Inside a transaction (app is one: a record
 *    hook's, or the caller's) it is only recorded, and the caller leaves `pending` on the changed
 *    record, where the relay takes it right after the commit (src/server/relay/committed.go);
 *    outside one it is recorded in a transaction of its own and handed over at once. Either way a
 *    browser never gets an event the history lacks, and catch-up replays every one.
 */
export function sseSend(app: any, topic: string, html: string, options: SendOptions = {}): Sent {
  const roomId = roomOfTopic(topic)
  if (!roomId) throw new Error(`sseSend: unknown topic "${topic}"; Hearth publishes on rooms/<id> only`)
  if (options.filter) return { event: null, pending: null, recipients: $relay.publish(relayEventOf(app, topic, html, options.filter)) }
  if (app.isTransactional()) {
    const event = recordRoomEvent(app, roomId, html, options.subject || '')
    // the audience as the transaction sees the room: the state at the moment of the commit
    return { event, pending: relayEventOf(app, topic, html, null, event), recipients: 0 }
  }
  let event: RoomEvent | null = null
  app.runInTransaction((tx: any) => {
    event = recordRoomEvent(tx, roomId, html, options.subject || '')
  })
  return { event, pending: null, recipients: $relay.publish(relayEventOf(app, topic, html, null, event!)) }
}

/**
 * personalEvent is a notice to one person's open tabs of a room about their own access (removed
 * from a private room): the only event not sent to the room's readers, because that person no
 * longer is one. It carries no room content, has no position and is never replayed.
 */
export function personalEvent(topic: string, userId: string, html: string): RelayEvent {
  const roomId = roomOfTopic(topic)
  if (!roomId) throw new Error(`personalEvent: unknown topic "${topic}"`)
  // revoke: their connections stop following the room with it, so they leave its "Here now" at once
  return { topic, data: JSON.stringify({ html }), room: roomId, seq: 0, users: [userId], anyUser: false, revoke: true }
}

/**
 * activityEvent tells the people a room event goes to, on their own topic (ME_TOPIC), that
 * something happened in the room (a new message: their unread counts). The same audience as the
 * room event, decided with it; no position, never replayed: a page shows the counts of its render.
 */
export function activityEvent(roomEvent: RelayEvent, html: string): RelayEvent {
  return { topic: ME_TOPIC, data: JSON.stringify({ html }), room: '', seq: 0, users: roomEvent.users, anyUser: roomEvent.anyUser }
}

/** personalSignal tells one person's open tabs, on their own topic, about their own state (now). */
export function personalSignal(userId: string, html: string): number {
  return $relay.publish({ topic: ME_TOPIC, data: JSON.stringify({ html }), room: '', seq: 0, users: [userId], anyUser: false })
}

/**
 * relayEventOf is html as the relay takes it: the envelope, and the audience decided now (a
 * recorded event carries its position and id).
 */
function relayEventOf(app: any, topic: string, html: string, filter: Filter | null, recorded?: RoomEvent): RelayEvent {
  const roomId = roomOfTopic(topic)!
  const audience = roomAudience(app, roomId)
  const envelope: Envelope = recorded ? { html, seq: recorded.seq, id: recorded.id } : { html }
  return {
    topic,
    data: JSON.stringify(envelope),
    room: roomId,
    seq: recorded ? recorded.seq : 0,
    users: audience.users,
    anyUser: audience.anyUser,
    ...(filter ? { filter } : {}),
  }
}
