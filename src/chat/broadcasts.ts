// What each change in a room shows to everyone reading it: rendered once, from the partials the
// room page uses, recorded in the room's history and published. Called from record hooks, so a
// change made through PocketBase's REST API or dashboard is broadcast too.
import { renderPartial } from '../runtime/partials'
import { publishRoomEvent } from '../realtime/history'
import { messageOf } from './messages'
import { roomOf } from './rooms'
import { countOf } from './members'

function findOrNull(app: any, collection: string, id: string): any | null {
  try {
    return app.findRecordById(collection, id)
  } catch {
    return null
  }
}

// Renders the message once and keeps the result on the message, for every page that lists it.
// A plain UPDATE: saving the record would run the message hooks (and broadcast) again.
function messageHtml(app: any, record: any, room: any): string {
  const author = findOrNull(app, 'users', record.getString('author'))
  const html = renderPartial('message', { message: messageOf(record, author), room: roomOf(room, '') })
  app.db().newQuery('UPDATE messages SET fragment = {:html} WHERE id = {:id}').bind({ html, id: record.id }).execute()
  return html
}

export function messageCreated(app: any, record: any): void {
  const room = findOrNull(app, 'rooms', record.getString('room'))
  if (!room) return
  publishRoomEvent(app, room.id, messageHtml(app, record, room))
}

export function messageUpdated(app: any, record: any): void {
  const room = findOrNull(app, 'rooms', record.getString('room'))
  if (!room) return
  publishRoomEvent(app, room.id, messageHtml(app, record, room))
}

export function messageDeleted(app: any, record: any): void {
  const room = findOrNull(app, 'rooms', record.getString('room'))
  if (!room) return
  publishRoomEvent(app, room.id, renderPartial('message-removed', { id: record.id }))
}

export function membersChanged(app: any, record: any): void {
  const room = findOrNull(app, 'rooms', record.getString('room'))
  if (!room) return
  publishRoomEvent(app, room.id, renderPartial('member-count', { room: roomOf(room, ''), count: countOf(room.id, app) }))
}
