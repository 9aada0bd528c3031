// What each change in a room shows to everyone reading it: rendered once, from the partials the
// room page uses, and recorded as the room's next event in the change's own transaction. Called
// from record hooks, so a change made through PocketBase's REST API or dashboard is broadcast too:
// the execute hooks record (inside the transaction, see src/server/roomtx) and the after-success
// hooks hand the event to the relay once it has committed.
import { renderPartial } from '../runtime/partials'
import { forget, type RoomEvent } from '../realtime/history'
import { sseSend, handOver } from '../realtime/publish'
import { roomTopic } from '../realtime/topics'
import * as fragments from './fragments'
import { roomOf } from './rooms'
import { countOf } from './members'

/** The record field (never stored: not in the collection) that carries its event to after-success. */
const PENDING = 'hearthPendingEvent'

function findOrNull(app: any, collection: string, id: string): any | null {
  try {
    return app.findRecordById(collection, id)
  } catch {
    return null
  }
}

function remember(record: any, event: RoomEvent): void {
  record.set(PENDING, JSON.stringify(event))
}

/** messageSaved records a new or edited message's event; an edit blanks the old text in earlier events. */
export function messageSaved(tx: any, record: any): void {
  const room = findOrNull(tx, 'rooms', record.getString('room'))
  if (!room) return
  const event = sseSend(tx, roomTopic(room.id), fragments.render(tx, record), { subject: record.id }).event!
  forget(tx, room.id, record.id, event.id)
  remember(record, event)
}

/** messageDeleted records the removal; no event keeps the deleted text. */
export function messageDeleted(tx: any, record: any): void {
  const room = findOrNull(tx, 'rooms', record.getString('room'))
  if (!room) return
  const event = sseSend(tx, roomTopic(room.id), renderPartial('message-removed', { id: record.id }), { subject: record.id }).event!
  forget(tx, room.id, record.id, event.id)
  remember(record, event)
}

export function membersChanged(tx: any, record: any): void {
  const room = findOrNull(tx, 'rooms', record.getString('room'))
  if (!room) return
  remember(record, sseSend(tx, roomTopic(room.id), renderPartial('member-count', { room: roomOf(room, ''), count: countOf(room.id, tx) })).event!)
}

/** committed hands a change's recorded event to the relay; called after its transaction committed. */
export function committed(app: any, record: any): void {
  const pending = record.get(PENDING)
  if (typeof pending !== 'string' || !pending) return
  record.set(PENDING, '')
  handOver(app, JSON.parse(pending))
}
