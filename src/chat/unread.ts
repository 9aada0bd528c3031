// Unread: each member's read position in each room (memberships.readNumber, the number of the last
// message they have seen), how many newer messages from others wait there and whether one of
// them mentions them. Positions only move forward.
import { renderPartial } from '../runtime/partials'
import { personalSignal } from '../realtime/publish'
import type { Room } from './rooms'

/** Counted is where one person stands in one of their rooms. */
export interface Counted {
  readNumber: number
  lastNumber: number
  /** messages from others after readNumber, up to COUNT_CAP */
  unread: number
  mentioned: boolean
}

/** More than this shows as "99+": counting further would read a long stretch for nothing. */
export const COUNT_CAP = 100

/** unreadOf counts, for every room the user belongs to, what waits for them there. */
export function unreadOf(userId: string): Map<string, Counted> {
  // One row, one JSON string: handing goja one string is far cheaper than a row object per room.
  // messages.mentions is a relation, a JSON array of ids: the user's id appears quoted in it.
  const row = new DynamicModel({ rooms: '' })
  $app.db().newQuery(`
    SELECT COALESCE(json_group_array(json_array(room, readNumber, lastNumber, unread, mentioned)), '[]') AS rooms FROM (
      SELECT ms.room AS room, ms.readNumber AS readNumber, r.lastNumber AS lastNumber,
             CASE WHEN r.lastNumber > ms.readNumber THEN (SELECT count(*) FROM (SELECT 1 FROM messages m
               WHERE m.room = ms.room AND m.number > ms.readNumber AND m.author != ms.user LIMIT ${COUNT_CAP})) ELSE 0 END AS unread,
             CASE WHEN r.lastNumber > ms.readNumber THEN EXISTS (SELECT 1 FROM messages m
               WHERE m.room = ms.room AND m.number > ms.readNumber AND m.author != ms.user
                 AND m.mentions LIKE '%"' || ms.user || '"%') ELSE 0 END AS mentioned
        FROM memberships ms JOIN rooms r ON r.id = ms.room
       WHERE ms.user = {:user})`)
    .bind({ user: userId })
    .one(row)
  const out = new Map<string, Counted>()
  for (const [room, readNumber, lastNumber, unread, mentioned] of JSON.parse(row.rooms)) {
    out.set(room, { readNumber, lastNumber, unread, mentioned: !!mentioned })
  }
  return out
}

/** readNumberOf is the user's read position in a room (null when not a member). */
export function readNumberOf(roomId: string, userId: string): number | null {
  const row = new DynamicModel({ readNumber: 0 })
  try {
    $app.db().newQuery('SELECT readNumber FROM memberships WHERE room = {:room} AND user = {:user}').bind({ room: roomId, user: userId }).one(row)
  } catch {
    return null
  }
  return row.readNumber
}

/**
 * markRead moves the user's read position in a room forward to a message number (never past the
 * room's last message, never back), and tells their other tabs. Returns the position now.
 */
export function markRead(roomId: string, userId: string, number: number): number {
  const row = new DynamicModel({ readNumber: 0 })
  try {
    $app.db().newQuery(`
      UPDATE memberships SET readNumber = min({:number}, (SELECT lastNumber FROM rooms WHERE id = {:room}))
       WHERE room = {:room} AND user = {:user} AND readNumber < min({:number}, (SELECT lastNumber FROM rooms WHERE id = {:room}))
       RETURNING readNumber`)
      .bind({ room: roomId, user: userId, number: Math.max(0, Math.floor(number)) })
      .one(row)
  } catch {
    return readNumberOf(roomId, userId) ?? 0 // already there (or further), or not a member
  }
  personalSignal(userId, renderPartial('read-signal', { roomId, readNumber: row.readNumber }))
  return row.readNumber
}

/** withUnread adds to each of the user's rooms what waits there (rooms they are not in get none). */
export function withUnread<T extends Room>(userId: string, rooms: T[]): (T & { unread?: Counted })[] {
  const counts = unreadOf(userId)
  return rooms.map((r) => (counts.has(r.id) ? { ...r, unread: counts.get(r.id) } : r))
}
