// The rooms a person sees listed (the rooms page, a room's sidebar), each with what waits for them
// there: one query for the rooms, their unread counts and the other person of each direct room.
import type { User } from '../accounts/session'
import type { Room, RoomKind } from './rooms'
import { COUNT_CAP, type Counted } from './unread'

/** Listed is a room in a list; unread is set in the rooms the person belongs to. */
export type Listed = Room & { unread?: Counted }

// The rows come back as one string, a row per ROW and a value per FIELD: goja's JSON.parse reads
// a token at a time and cost more than the query (0.65 ms for 50 rooms, split 0.12 ms). Neither
// separator can be in a value: ids, slugs and usernames are [a-z0-9_-], display names refuse
// control characters (src/server/names), and room names and topics lose them here (a browser
// shows none of them).
const ROW = '\x1e'
const FIELD = '\x1f'
const shown = (column: string) => `replace(replace(${column}, char(30), ''), char(31), '')`

// messages from others after the member's read position, counted up to COUNT_CAP
const UNREAD = `CASE WHEN r.lastNumber > ms.readNumber THEN (SELECT count(*) FROM (SELECT 1 FROM messages m
    WHERE m.room = r.id AND m.number > ms.readNumber AND m.author != ms.user LIMIT ${COUNT_CAP})) ELSE 0 END`
// ... and whether one of them mentions the member (messages.mentions is a JSON array of ids)
const MENTIONED = `CASE WHEN r.lastNumber > ms.readNumber THEN EXISTS (SELECT 1 FROM messages m
    WHERE m.room = r.id AND m.number > ms.readNumber AND m.author != ms.user
      AND m.mentions LIKE '%"' || ms.user || '"%') ELSE 0 END`
// in a direct room, the other person (the pair is "id:id"; both the same in notes to oneself)
const PEER = `CASE WHEN substr(r.pair, 1, instr(r.pair, ':') - 1) = {:user} THEN substr(r.pair, instr(r.pair, ':') + 1)
    ELSE substr(r.pair, 1, instr(r.pair, ':') - 1) END`

const listQuery = (joinedOnly: boolean): string => `
    SELECT COALESCE(group_concat(concat_ws(char(31),
             r.id, r.slug, ${shown('r.name')}, ${shown('r.topic')}, r.kind, COALESCE(ms.role, ''),
             COALESCE(ms.readNumber, ''), r.lastNumber,
             CASE WHEN ms.id IS NULL THEN '' ELSE ${UNREAD} END,
             CASE WHEN ms.id IS NULL THEN '' ELSE ${MENTIONED} END,
             COALESCE(u.id, ''), COALESCE(u.username, ''), COALESCE(u.name, ''), COALESCE(u.avatar, '')), char(30) ORDER BY r.name), '') AS rooms
      FROM rooms r
      LEFT JOIN memberships ms ON ms.room = r.id AND ms.user = {:user}
      LEFT JOIN users u ON r.kind = 'direct' AND u.id = ${PEER}
     WHERE ${joinedOnly ? 'ms.id IS NOT NULL' : `r.kind = 'public' OR ms.id IS NOT NULL`}`
const ALL = listQuery(false)
const JOINED = listQuery(true)

/**
 * roomsListedFor lists, by name, the public rooms and the rooms the user belongs to (only the
 * latter when joinedOnly), each with what waits for the user there; a direct room is called by the
 * other person's name.
 */
export function roomsListedFor(user: User, { joinedOnly = false } = {}): Listed[] {
  const row = new DynamicModel({ rooms: '' })
  $app.db().newQuery(joinedOnly ? JOINED : ALL).bind({ user: user.id }).one(row)
  const text: string = row.rooms
  if (!text) return []
  // indexed, not destructured or for...of: goja makes an iterator result object per element, and
  // those were a seventh of the rooms page's CPU
  const lines = text.split(ROW)
  const out: Listed[] = new Array(lines.length)
  for (let i = 0; i < lines.length; i++) {
    const f = lines[i].split(FIELD)
    const room: Listed = { id: f[0], slug: f[1], name: f[2], topic: f[3], kind: f[4] as RoomKind, role: f[5] }
    if (room.role) room.unread = { readNumber: Number(f[6]), lastNumber: Number(f[7]), unread: Number(f[8]), mentioned: f[9] === '1' }
    if (f[10]) {
      // (a picture's file name is PocketBase's, [a-z0-9_.] only)
      room.peer = { id: f[10], username: f[11], name: f[12] || f[11], picture: f[13] }
      room.name = room.peer.name
    }
    out[i] = room
  }
  return out
}
