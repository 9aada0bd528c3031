// Memberships: who belongs to a room, and in which role.
import { HttpError } from '../runtime/context'
import { LIMITS, guard } from '../runtime/limits'
import type { Errors } from '../runtime/forms'
import { refusedAsDuplicate } from '../runtime/records'
import { standingIn, mayJoin, mayLeave, mayManageMembers } from './policy'

export const LOBBY = 'lobby'

export function membershipOf(roomId: string, userId: string, app: any = $app): any | null {
  try {
    return app.findFirstRecordByFilter('memberships', 'room = {:room} && user = {:user}', { room: roomId, user: userId })
  } catch {
    return null
  }
}

export function addMembership(app: any, roomId: string, userId: string, role: string): void {
  const m = new Record(app.findCachedCollectionByNameOrId('memberships'))
  m.set('room', roomId)
  m.set('user', userId)
  m.set('role', role)
  // a newcomer starts with the room's history read: what comes after is new to them
  m.set('readNumber', app.findRecordById('rooms', roomId).getInt('lastNumber'))
  app.save(m)
}

/** What requireMember and requireAccount throw, to tell their refusals from other failures. */
export const NOT_IN_ROOM = 'is not in the room (any more)'
export const NO_ACCOUNT = 'has no account (any more)'

/**
 * requireMember runs in the write transaction of a message or a reaction, where SQLite's one
 * writer orders it against a removal, a leave or the deletion of an account: the standing the
 * request checked before its write may be gone by then. Without it, posts sent while the owner
 * removed their author landed after the removal, in a private room, and reactions and posts of an
 * account deleted meanwhile stayed behind pointing at nobody.
 */
export function requireMember(tx: any, roomId: string, userId: string): void {
  if (!membershipOf(roomId, userId, tx)) throw new Error(`${userId} ${NOT_IN_ROOM} ${roomId}`)
}

/** requireAccount is requireMember for a new membership: its person must still exist. */
export function requireAccount(tx: any, userId: string): void {
  const row = new DynamicModel({ n: 0 })
  tx.db().newQuery('SELECT COUNT(*) AS n FROM users WHERE id = {:id}').bind({ id: userId }).one(row)
  if (!row.n) throw new Error(`${userId} ${NO_ACCOUNT}`)
}

/** refusedAsGone tells whether a save failed because its person left the room or the site meanwhile. */
export function refusedAsGone(err: unknown): boolean {
  const text = String(err)
  return text.includes(NOT_IN_ROOM) || text.includes(NO_ACCOUNT)
}

/** joinLobby makes a new user a member of the lobby, so they have somewhere to talk at once. */
export function joinLobby(app: any, userId: string): void {
  try {
    const lobby = app.findFirstRecordByData('rooms', 'slug', LOBBY)
    if (!membershipOf(lobby.id, userId, app)) addMembership(app, lobby.id, userId, 'member')
  } catch {
    // no lobby (an operator deleted it): nothing to join
  }
}

/**
 * guardMemberships reserves one membership change (joining, leaving, adding or removing someone)
 * for the person making it: each one is announced to everyone in the room.
 */
function guardMemberships(userId: string, field?: string): void {
  guard(LIMITS.memberships, userId, 'You are joining and leaving rooms too fast. Wait a minute, then try again.', field)
}

/** join makes the user a member of a public room. */
export function join(roomRecord: any, userId: string): void {
  guardMemberships(userId)
  const standing = standingIn(roomRecord, userId)
  if (standing.role) return
  if (!mayJoin(standing)) throw new HttpError(403, 'Only the owner can add people to a private room.')
  try {
    addMembership($app, roomRecord.id, userId, 'member')
  } catch (err) {
    // an account deleted meanwhile joins nothing
    if (refusedAsGone(err)) throw new HttpError(401, 'Log in to join this room.')
    // the same person joining twice at once: the unique (room, user) index let one through
    if (!refusedAsDuplicate(err) && !membershipOf(roomRecord.id, userId)) throw err
  }
}

/** leave ends the user's membership; an owner stays, so a room is never left without one. */
export function leave(roomRecord: any, userId: string): void {
  guardMemberships(userId)
  const m = membershipOf(roomRecord.id, userId)
  if (!m) return
  const standing = standingIn(roomRecord, userId)
  // gone since: the same person leaving twice at once (not an owner refused)
  if (!standing.role) return
  if (!mayLeave(standing)) throw new HttpError(403, standing.isDirect ? 'A direct conversation keeps its two people.' : 'The owner cannot leave the room.')
  try {
    $app.delete(m)
  } catch (err) {
    // the same person leaving twice at once: gone either way
    if (membershipOf(roomRecord.id, userId)) throw err
  }
}

export interface Member {
  id: string
  username: string
  name: string
  role: string
  /** their picture's file name, '' for none */
  picture: string
}

export function membersOf(roomId: string): Member[] {
  const records = $app.findRecordsByFilter('memberships', 'room = {:room}', 'created', 0, 0, { room: roomId })
  $app.expandRecords(records, ['user'], null)
  // (a membership whose account is gone, left by a join that raced its deletion before
  // requireAccount, is nobody)
  return records.filter((m: any) => m.expandedOne('user')).map((m: any) => {
    const u = m.expandedOne('user')
    return { id: u.id, username: u.getString('username'), name: u.getString('name'), role: m.getString('role'), picture: u.getString('avatar') }
  })
}

/** MATCHES_MAX is the most members a name completion offers at once. */
export const MATCHES_MAX = 8

/**
 * membersStartingWith lists up to MATCHES_MAX members of a room whose username or display name
 * starts with a prefix (lowercase letters, digits, _), those matched by username first, for the
 * composer's name completion.
 */
export function membersStartingWith(roomId: string, prefix: string): Array<{ username: string; name: string }> {
  const rows = arrayOf(new DynamicModel({ username: '', name: '' }))
  $app.db()
    .newQuery(`SELECT u.username AS username, u.name AS name FROM memberships m JOIN users u ON u.id = m.user
      WHERE m.room = {:room} AND (substr(u.username, 1, {:n}) = {:prefix} OR lower(substr(u.name, 1, {:n})) = {:prefix})
      ORDER BY substr(u.username, 1, {:n}) = {:prefix} DESC, u.username LIMIT {:limit}`)
    .bind({ room: roomId, prefix, n: prefix.length, limit: MATCHES_MAX })
    .all(rows)
  return rows.map((r: any) => ({ username: r.username, name: r.name || r.username }))
}

function requireOwner(roomRecord: any, userId: string): void {
  if (!mayManageMembers(standingIn(roomRecord, userId))) throw new HttpError(403, 'Only the room owner can change who is in it.')
}

/** addMember lets the owner add someone by username. */
export function addMember(roomRecord: any, ownerId: string, username: string): { errors?: Errors; added?: string } {
  requireOwner(roomRecord, ownerId)
  guardMemberships(ownerId, 'username')
  const name = (username || '').trim().toLowerCase().replace(/^@/, '')
  let user: any = null
  try {
    user = name ? $app.findFirstRecordByData('users', 'username', name) : null
  } catch {
    user = null
  }
  if (!user) return { errors: { username: name ? `Nobody is called ${name}.` : 'Enter a username.' } }
  const already = { errors: { username: `${name} is already a member.` } }
  if (membershipOf(roomRecord.id, user.id)) return already
  try {
    addMembership($app, roomRecord.id, user.id, 'member')
  } catch (err) {
    // added twice at once: the unique (room, user) index let one through
    if (refusedAsDuplicate(err)) return already
    throw err
  }
  return { added: name }
}

/** removeMember lets the owner remove a member (not themselves). */
export function removeMember(roomRecord: any, ownerId: string, username: string): void {
  requireOwner(roomRecord, ownerId)
  guardMemberships(ownerId)
  let user: any
  try {
    user = $app.findFirstRecordByData('users', 'username', username)
  } catch {
    throw new HttpError(404, 'That person is not in this room.')
  }
  const m = membershipOf(roomRecord.id, user.id)
  if (!m) throw new HttpError(404, 'That person is not in this room.')
  if (m.getString('role') === 'owner') throw new HttpError(403, 'The owner cannot be removed.')
  $app.delete(m)
}

export function countOf(roomId: string, app: any = $app): number {
  const row = new DynamicModel({ n: 0 })
  app.db().newQuery('SELECT COUNT(*) AS n FROM memberships m JOIN users u ON u.id = m.user WHERE m.room = {:room}')
    .bind({ room: roomId }).one(row)
  return row.n
}
