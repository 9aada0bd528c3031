// Direct messages: the one conversation between two people, a room of kind 'direct' whose members
// are the two of them (one, for notes to oneself). It is made the first time either opens it.
import { HttpError } from '../runtime/context'
import { LIMITS, guard, refund } from '../runtime/limits'
import type { User } from '../accounts/session'
import { findUser } from '../accounts/users'
import { addMembership } from './members'
import type { Room } from './rooms'

/** Peer is the other person in a direct conversation, as the room's name shows them. */
export interface Peer {
  id: string
  username: string
  name: string
  /** their picture's file name, '' for none */
  picture: string
}

/** pairOf is a conversation's key: the two ids in order, the same whichever of them asks. */
export function pairOf(a: string, b: string): string {
  return [a, b].sort().join(':')
}

function byPair(pair: string): any | null {
  try {
    return $app.findFirstRecordByData('rooms', 'pair', pair)
  } catch {
    return null
  }
}

function randomSlug(): string {
  return `dm-${$security.randomStringWithAlphabet(16, 'abcdefghijklmnopqrstuvwxyz0123456789')}`
}

/**
 * conversationWith returns the slug of the direct conversation between the user and the person
 * named (an id or a username), making it if there is none. Two requests at once make one: the
 * second save fails on the pair's unique index and finds the first.
 */
export function conversationWith(user: User, who: string): string {
  const other = findUser(String(who || '').trim().toLowerCase().replace(/^@/, ''))
  if (!other) throw new HttpError(404, 'Nobody has that username.')
  const pair = pairOf(user.id, other.id)
  const existing = byPair(pair)
  if (existing) return existing.getString('slug')
  guard(LIMITS.conversations, user.id, 'You have started many conversations recently. Please wait a while before starting another.')
  try {
    $app.runInTransaction((tx: any) => {
      const room = new Record(tx.findCachedCollectionByNameOrId('rooms'))
      room.set('name', 'Direct messages')
      room.set('slug', randomSlug())
      room.set('kind', 'direct')
      room.set('pair', pair)
      room.set('creator', user.id)
      tx.save(room)
      addMembership(tx, room.id, user.id, 'member')
      if (other.id !== user.id) addMembership(tx, room.id, other.id, 'member')
    })
  } catch (err) {
    refund(LIMITS.conversations, user.id)
    const made = byPair(pair)
    if (made) return made.getString('slug')
    throw err
  }
  return byPair(pair).getString('slug')
}

/** peersOf maps each direct room the user is in to the other person (the user, in notes to self). */
export function peersOf(userId: string, roomIds: string[]): Map<string, Peer> {
  const peers = new Map<string, Peer>()
  if (!roomIds.length) return peers
  const rows = arrayOf(new DynamicModel({ room: '', id: '', username: '', name: '', picture: '' }))
  $app.db().newQuery(`
    SELECT r.id AS room, u.id AS id, u.username AS username, u.name AS name, u.avatar AS picture
      FROM rooms r JOIN users u ON u.id = CASE
        WHEN substr(r.pair, 1, instr(r.pair, ':') - 1) = {:me} THEN substr(r.pair, instr(r.pair, ':') + 1)
        ELSE substr(r.pair, 1, instr(r.pair, ':') - 1) END
     WHERE r.kind = 'direct' AND r.id IN (${roomIds.map((_, i) => `{:r${i}}`).join(', ')})`)
    .bind(Object.assign({ me: userId }, ...roomIds.map((id, i) => ({ [`r${i}`]: id }))))
    .all(rows)
  for (const r of rows) peers.set(r.room, { id: r.id, username: r.username, name: r.name || r.username, picture: r.picture })
  return peers
}

/** named gives direct rooms the other person's name (rooms otherwise keep their own). */
export function named<T extends Room>(userId: string, rooms: T[]): T[] {
  const peers = peersOf(userId, rooms.filter((r) => r.kind === 'direct').map((r) => r.id))
  return rooms.map((r) => {
    const peer = peers.get(r.id)
    return peer ? { ...r, name: peer.name, peer } : r
  })
}
