// What each change in a room shows to everyone reading it: rendered once, from the partials the
// room page uses, and recorded as the room's next event in the change's own transaction. Called
// from record hooks, so a change made through PocketBase's REST API or dashboard is broadcast too:
// the execute hooks record (inside the transaction, see src/server/roomtx) and the after-success
// hooks hand the event to the relay once it has committed.
import { renderPartial } from '../runtime/partials'
import { forget, type RoomEvent } from '../realtime/history'
import { sseSend, handOver, notifyPerson } from '../realtime/publish'
import { standingIn, mayRead } from './policy'
import { roomTopic } from '../realtime/topics'
import * as fragments from './fragments'
import { roomOf } from './rooms'
import { countOf } from './members'

/** The record field (never stored: not in the collection) that carries its event to after-success. */
const PENDING = 'hearthPendingEvent'
/** Likewise, for the notice to a person who lost the room (see memberLeft). */
const PENDING_NOTICE = 'hearthPendingNotice'

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

/**
 * memberLeft records the new member count; someone who can no longer read the room (a private
 * room's member removed) is also told, at once, in their open tabs (see committed).
 */
export function memberLeft(tx: any, record: any): void {
  membersChanged(tx, record)
  const room = findOrNull(tx, 'rooms', record.getString('room'))
  if (!room || mayRead(standingIn(room, record.getString('user'), tx))) return
  record.set(PENDING_NOTICE, JSON.stringify({ room: room.id, user: record.getString('user') }))
}

/** committed hands a change's recorded event to the relay; called after its transaction committed. */
export function committed(app: any, record: any): void {
  const pending = record.get(PENDING)
  if (typeof pending === 'string' && pending) {
    record.set(PENDING, '')
    handOver(app, JSON.parse(pending))
  }
  const notice = record.get(PENDING_NOTICE)
  if (typeof notice === 'string' && notice) {
    record.set(PENDING_NOTICE, '')
    const { room, user } = JSON.parse(notice)
    notifyPerson(app, roomTopic(room), user, renderPartial('room-closed', {}))
  }
}
