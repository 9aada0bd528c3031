// A room's event history: every event has a position, and a browser that missed some (a dropped
// connection, a server restart) replays them from the last position it saw.
import { sendHtml, type Filter } from './publish'
import { roomTopic } from './topics'

/** A gap longer than this is not replayed: the browser reloads the room instead. */
export const REPLAY_LIMIT = 500
/** Events kept per room (more than REPLAY_LIMIT, so every replayable gap is complete). */
export const KEEP_PER_ROOM = 1000

/** nextMessageSeq takes the room's next message position in one statement, so no two messages share one. */
export function nextMessageSeq(app: any, roomId: string): number {
  const row = new DynamicModel({ lastSeq: 0 })
  app.db().newQuery('UPDATE rooms SET lastSeq = lastSeq + 1 WHERE id = {:id} RETURNING lastSeq').bind({ id: roomId }).one(row)
  return row.lastSeq
}

/** position is the room's newest event position. */
export function position(app: any, roomId: string): number {
  const row = new DynamicModel({ lastEvent: 0 })
  app.db().newQuery('SELECT lastEvent FROM rooms WHERE id = {:id}').bind({ id: roomId }).one(row)
  return row.lastEvent
}

/**
 * publishRoomEvent records html as the room's next event and sends it to everyone who may read
 * the room now. Taking the position, recording and handing over to the relay happen in one write
 * transaction: PocketBase runs write transactions one at a time, so a room's events are handed
 * over in position order, and a failure rolls the position back (no gaps). Handing over never
 * waits on a browser (see src/server/relay).
 */
export function publishRoomEvent(app: any, roomId: string, html: string, filter?: Filter): number {
  let at = 0
  app.runInTransaction((tx: any) => {
    const row = new DynamicModel({ lastEvent: 0 })
    tx.db().newQuery('UPDATE rooms SET lastEvent = lastEvent + 1 WHERE id = {:id} RETURNING lastEvent').bind({ id: roomId }).one(row)
    at = row.lastEvent
    const event = new Record(tx.findCachedCollectionByNameOrId('room_events'))
    event.set('room', roomId)
    event.set('seq', at)
    event.set('html', html)
    tx.save(event)
    sendHtml(tx, roomTopic(roomId), html, filter, at)
  })
  return at
}

export interface CatchUp {
  position: number
  events: { seq: number; html: string }[]
  /** the gap is too long (or the history changed under the browser): reload the room */
  reload: boolean
}

/** eventsAfter returns the events a browser missed since position `after`. */
export function eventsAfter(app: any, roomId: string, after: number): CatchUp {
  const now = position(app, roomId)
  if (after > now || now - after > REPLAY_LIMIT) return { position: now, events: [], reload: true }
  const records = app.findRecordsByFilter('room_events', 'room = {:room} && seq > {:after}', 'seq', REPLAY_LIMIT, 0, { room: roomId, after })
  const events = records.map((r: any) => ({ seq: r.getInt('seq'), html: r.getString('html') }))
  return { position: now, events, reload: false }
}

/** prune keeps the newest KEEP_PER_ROOM events of every room. */
export function prune(app: any): void {
  app.db().newQuery(
    `DELETE FROM room_events WHERE id IN (
       SELECT e.id FROM room_events e JOIN rooms r ON r.id = e.room WHERE e.seq <= r.lastEvent - {:keep})`,
  ).bind({ keep: KEEP_PER_ROOM }).execute()
}
