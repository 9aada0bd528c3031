// Rooms: who can see them, and making new ones.
import { HttpError } from '../runtime/context'
import { LIMITS, guard } from '../runtime/limits'
import type { User } from '../accounts/session'
import type { Errors } from '../runtime/forms'
import { refusedAsDuplicate } from '../runtime/records'
import { standingIn, mayRead, type Standing } from './policy'
import { named, type Peer } from './direct'

export type RoomKind = 'public' | 'private' | 'direct'
export const SLUG = /^[a-z0-9][a-z0-9-]{1,39}$/

/** Room is what pages know of a room, seen by one user. */
export interface Room {
  id: string
  slug: string
  name: string
  topic: string
  kind: RoomKind
  /** the viewer's role: owner, member, or '' when not a member */
  role: string
  /** in a direct conversation, the other person (whose name is the room's name) */
  peer?: Peer
}

export function roomOf(record: any, role: string): Room {
  return {
    id: record.id,
    slug: record.getString('slug'),
    name: record.getString('name'),
    topic: record.getString('topic'),
    kind: record.getString('kind') as RoomKind,
    role,
  }
}

const RECORD_ID = /^[a-z0-9]{15}$/
const TAKEN = 'A room already has that address.'

/**
 * findRoomRecord finds a room by its id (what rendered fragments link to, since a slug can
 * change) or else by its slug (what people see in the address bar).
 */
export function findRoomRecord(idOrSlug: string): any | null {
  if (RECORD_ID.test(idOrSlug)) {
    try {
      return $app.findRecordById('rooms', idOrSlug)
    } catch {
      // not an id: a slug that looks like one
    }
  }
  try {
    return $app.findFirstRecordByData('rooms', 'slug', idOrSlug)
  } catch {
    return null
  }
}

/**
 * openRoom returns the room a user asked for, or a 404 when it does not exist or is private
 * to others (the answer is the same, so nobody learns which private rooms exist).
 */
export function openRoom(user: User | null, slug: string): { room: Room; record: any; standing: Standing } {
  if (!user) throw new HttpError(401, 'Log in to see this room.')
  const record = findRoomRecord(slug)
  const standing = record ? standingIn(record, user.id) : null
  if (!record || !standing || !mayRead(standing)) throw new HttpError(404, 'There is no room here, or it is private.')
  return { record, standing, room: named(user.id, [roomOf(record, standing.role)])[0] }
}

export function slugFrom(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
}

/** createRoom makes a room owned by its creator; it returns the room or the errors to show. */
export function createRoom(user: User, form: Record<string, string>): { room?: Room; errors?: Errors } {
  guard(LIMITS.rooms, user.id, 'You have created many rooms recently. Please wait before creating another.', 'name')
  const name = (form.name || '').trim()
  const slug = (form.slug || '').trim().toLowerCase() || slugFrom(name)
  const topic = (form.topic || '').trim()
  const kind = form.kind || 'public'
  const errors: Errors = {}
  if (!name) errors.name = 'Give the room a name.'
  else if (name.length > 60) errors.name = 'Keep the name under 60 characters.'
  if (!SLUG.test(slug)) errors.slug = 'Use 2 to 40 lowercase letters, digits or dashes.'
  else if (findRoomRecord(slug)) errors.slug = TAKEN
  if (topic.length > 200) errors.topic = 'Keep the topic under 200 characters.'
  if (kind !== 'public' && kind !== 'private') errors.kind = 'Choose public or private.'
  if (Object.keys(errors).length) return { errors }
  const record = new Record($app.findCachedCollectionByNameOrId('rooms'))
  record.set('name', name)
  record.set('slug', slug)
  record.set('topic', topic)
  record.set('kind', kind)
  record.set('creator', user.id)
  try {
    $app.runInTransaction((tx: any) => {
      tx.save(record)
      const owner = new Record(tx.findCachedCollectionByNameOrId('memberships'))
      owner.set('room', record.id)
      owner.set('user', user.id)
      owner.set('role', 'owner')
      tx.save(owner)
    })
  } catch (err) {
    // two rooms at one address at once: the unique slug index let one through
    if (refusedAsDuplicate(err)) return { errors: { slug: TAKEN } }
    throw err
  }
  return { room: roomOf(record, 'owner') }
}
