// Unread: each member's read position in each room (memberships.readNumber, the number of the last
// message they have seen), how many newer messages from others wait there and whether one of
// them mentions them (counted with the room list, src/chat/room-list.ts). Positions only move forward.
import { renderPartial } from '../runtime/partials'
import { personalSignal } from '../realtime/publish'

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
