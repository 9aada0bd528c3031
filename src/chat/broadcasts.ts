// What each change in a room shows to everyone reading it: rendered once, from the partials the
// room page uses, and recorded as the room's next event in the change's own transaction. Called
// from the record execute hooks, which run inside that transaction (src/server/roomtx), so a
// change made through PocketBase's REST API or dashboard is broadcast too. A message comes
// rendered (prepareMessage, before the transaction takes SQLite's writer); the events are left on
// the record; the relay takes them right after the commit (src/server/relay/committed.go).
import { renderPartial } from '../runtime/partials'
import { findOrNull } from '../runtime/records'
import { forget } from '../realtime/history'
import { sseSend, personalEvent, activityEvent, type Sent } from '../realtime/publish'
import { roomTopic } from '../realtime/topics'
import * as fragments from './fragments'
import { roomOf } from './rooms'
import { countOf } from './members'
import { standingIn, mayRead } from './policy'
import { hideIfDownvoted } from './moderation'
import { DOWNVOTE } from './reactions'

/** The record field (never stored: no collection has it) the relay reads after the commit. */
const PENDING = 'hearthPendingEvents'

// Leaves an event for the relay to hand over once the change's transaction has committed.
function later(record: any, relayEvent: RelayEvent | null): void {
  if (!relayEvent) return
  const raw = record.get(PENDING)
  const events: RelayEvent[] = typeof raw === 'string' && raw ? JSON.parse(raw) : []
  events.push(relayEvent)
  record.set(PENDING, JSON.stringify(events))
}

// Records a saved message's event with the fragment rendered before the save (prepareMessage).
function messageEvent(tx: any, record: any): Sent {
  const sent = sseSend(tx, roomTopic(record.getString('room')), record.getString('fragment'), { subject: record.id })
  later(record, sent.pending)
  return sent
}

/** messagePosted records a new message's event (no earlier event is about it). */
export function messagePosted(tx: any, record: any): void {
  const sent = messageEvent(tx, record)
  // and, to the same audience on each reader's own topic, that it came: their unread counts, and
  // whether it mentions them
  const mentions = Array.from(record.getStringSlice('mentions') || [], String)
  const html = renderPartial('activity', {
    roomId: record.getString('room'), number: record.getInt('number'), authorId: record.getString('author'), mentions,
  })
  if (sent.pending) later(record, activityEvent(sent.pending, html))
}

/** messageEdited records an edited message's event and blanks the old text in earlier events. */
export function messageEdited(tx: any, record: any): void {
  const sent = messageEvent(tx, record)
  forget(tx, record.getString('room'), record.id, sent.event!.id)
}

// Records a message's event with its fragment rendered again now, for a change the message itself
// was not saved for (a reaction); carrier is the change's own record, where the relay finds it.
function messageShownAgain(tx: any, record: any, carrier: any): void {
  const sent = sseSend(tx, roomTopic(record.getString('room')), fragments.render(tx, record), { subject: record.id })
  forget(tx, record.getString('room'), record.id, sent.event!.id)
  later(carrier, sent.pending)
}

/**
 * reactionChanged shows a message's new reactions to everyone (given: a reaction was added, not
 * taken back): its fragment rendered again and recorded like an edit. The message's last change
 * moves on, so its cached fragment's key does. A downvote that reaches the threshold hides it
 * instead: that save of the message is the event.
 */
export function reactionChanged(tx: any, reaction: any, given: boolean): void {
  const id = reaction.getString('message')
  // a plain UPDATE: a save would run the message hooks and broadcast an edit
  tx.db().newQuery("UPDATE messages SET updated = strftime('%Y-%m-%d %H:%M:%fZ', 'now') WHERE id = {:id}").bind({ id }).execute()
  const message = findOrNull(tx, 'messages', id)
  // gone: a reaction taken back is being deleted with its message, whose removal is the event; one
  // given was checked before the message's deletion committed and would be left pointing at nothing
  if (!message && given) throw new Error(`the message ${id} was deleted`)
  if (!message) return
  if (given && reaction.getString('emoji') === DOWNVOTE && hideIfDownvoted(tx, message, reaction)) return
  messageShownAgain(tx, message, reaction)
}

/** messageDeleted records the removal; no event keeps the deleted text. */
export function messageDeleted(tx: any, record: any): void {
  const room = findOrNull(tx, 'rooms', record.getString('room'))
  if (!room) return
  const sent = sseSend(tx, roomTopic(room.id), renderPartial('message-removed', { id: record.id }), { subject: record.id })
  forget(tx, room.id, record.id, sent.event!.id)
  later(record, sent.pending)
}

export function membersChanged(tx: any, record: any): void {
  const room = findOrNull(tx, 'rooms', record.getString('room'))
  if (!room) return
  later(record, sseSend(tx, roomTopic(room.id), renderPartial('member-count', { room: roomOf(room, ''), count: countOf(room.id, tx) })).pending)
}

/**
 * memberLeft records the new member count; someone who can no longer read the room (a private
 * room's member removed) is also told, at once, in their open tabs.
 */
export function memberLeft(tx: any, record: any): void {
  membersChanged(tx, record)
  const room = findOrNull(tx, 'rooms', record.getString('room'))
  if (!room || mayRead(standingIn(room, record.getString('user'), tx))) return
  later(record, personalEvent(roomTopic(room.id), record.getString('user'), renderPartial('room-closed', {})))
}
