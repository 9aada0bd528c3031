// A room's event history: every event has a position, and a browser that missed some (a dropped
// connection, a server restart) replays them from the last position it saw.
//
// An event is recorded inside the transaction of the change it shows (see src/server/roomtx) and
// handed to the relay only after that transaction commits, so a stored change always has its
// event and a browser never sees an event the history lacks.

/** A gap longer than this is not replayed: the browser reloads the room instead. */
export const REPLAY_LIMIT = 500
/** Events kept per room (more than REPLAY_LIMIT, so every replayable gap is complete). */
export const KEEP_PER_ROOM = 1000

/** RoomEvent is one recorded event: its id tells this history from any other with the same positions. */
export interface RoomEvent {
  id: string
  room: string
  seq: number
  html: string
}

/** Head is where a room's history stands: its newest position and the id of the event there. */
export interface Head {
  position: number
  eventId: string
}

/** nextMessageNumber takes the room's next message number in one statement, so no two messages share one. */
export function nextMessageNumber(app: any, roomId: string): number {
  const row = new DynamicModel({ lastNumber: 0 })
  app.db().newQuery('UPDATE rooms SET lastNumber = lastNumber + 1 WHERE id = {:id} RETURNING lastNumber').bind({ id: roomId }).one(row)
  return row.lastNumber
}

/** head returns the room's newest event position and that event's id ('' before the first). */
export function head(app: any, roomId: string): Head {
  const row = new DynamicModel({ lastEvent: 0, eventId: '' })
  app.db().newQuery(
    `SELECT r.lastEvent AS lastEvent, COALESCE(e.id, '') AS eventId
       FROM rooms r LEFT JOIN room_events e ON e.room = r.id AND e.seq = r.lastEvent
      WHERE r.id = {:id}`,
  ).bind({ id: roomId }).one(row)
  return { position: row.lastEvent, eventId: row.eventId }
}

/**
 * recordRoomEvent records html as the room's next event, in tx: the transaction of the change it
 * shows. subject names what the event is about (a message id), so that a later change to it can
 * blank what earlier events showed. Nothing is sent: see sseSend in publish.ts.
 */
export function recordRoomEvent(tx: any, roomId: string, html: string, subject = ''): RoomEvent {
  const row = new DynamicModel({ lastEvent: 0 })
  tx.db().newQuery('UPDATE rooms SET lastEvent = lastEvent + 1 WHERE id = {:id} RETURNING lastEvent').bind({ id: roomId }).one(row)
  const record = new Record(tx.findCachedCollectionByNameOrId('room_events'))
  record.set('room', roomId)
  record.set('seq', row.lastEvent)
  record.set('html', html)
  record.set('subject', subject)
  // every value is Hearth's own; validating would look the room up again, inside the write lock
  tx.saveNoValidate(record)
  return { id: record.id, room: roomId, seq: row.lastEvent, html }
}

/**
 * forget blanks what the subject's earlier events showed (an edited message's old text, a deleted
 * message), keeping their positions: catch-up still brings a browser to the current state, since
 * the newest event about the subject shows it whole.
 */
export function forget(tx: any, roomId: string, subject: string, exceptId: string): void {
  // note: `subject != ''` lets SQLite use the partial index (room, subject) WHERE subject != '';
  // `subject = {:subject}` alone does not imply it, and every post read all of its room's events
  tx.db().newQuery(
    "UPDATE room_events SET html = '' WHERE room = {:room} AND subject = {:subject} AND subject != '' AND id != {:except} AND html != ''",
  ).bind({ room: roomId, subject, except: exceptId }).execute()
}

export interface CatchUp {
  position: number
  eventId: string
  /** subject: what the event is about (a message id), for the caller to show as it is now */
  events: { seq: number; id: string; html: string; subject: string }[]
  /** the gap is too long, or the history is not the one the browser saw: reload the room */
  reload: boolean
}

/**
 * eventsAfter returns the events a browser missed since position `after`, where it saw the event
 * `seenId`. A history restored from a backup, or a replaced database, may reuse positions: the
 * event at `after` then has another id (or is gone), and the browser must reload, not replay.
 * Browsers always say which event they saw; null (a client that does not) skips that check.
 */
export function eventsAfter(app: any, roomId: string, after: number, seenId: string | null): CatchUp {
  const now = head(app, roomId)
  const reload = { ...now, events: [], reload: true }
  if (after > now.position || now.position - after > REPLAY_LIMIT) return reload
  if (after > 0 && seenId !== null && seenId !== eventIdAt(app, roomId, after)) return reload
  const rows = arrayOf(new DynamicModel({ seq: 0, id: '', html: '', subject: '' }))
  app.db().newQuery('SELECT seq, id, html, subject FROM room_events WHERE room = {:room} AND seq > {:after} ORDER BY seq LIMIT {:limit}')
    .bind({ room: roomId, after, limit: REPLAY_LIMIT }).all(rows)
  const events = rows.map((r: any) => ({ seq: r.seq, id: r.id, html: r.html, subject: r.subject }))
  return { ...now, events, reload: false }
}

function eventIdAt(app: any, roomId: string, seq: number): string {
  const row = new DynamicModel({ id: '' })
  try {
    app.db().newQuery('SELECT id FROM room_events WHERE room = {:room} AND seq = {:seq}').bind({ room: roomId, seq }).one(row)
  } catch {
    return ''
  }
  return row.id
}

/** prune keeps the newest KEEP_PER_ROOM events of every room. */
export function prune(app: any): void {
  app.db().newQuery(
    `DELETE FROM room_events WHERE id IN (
       SELECT e.id FROM room_events e JOIN rooms r ON r.id = e.room WHERE e.seq <= r.lastEvent - {:keep})`,
  ).bind({ keep: KEEP_PER_ROOM }).execute()
}
