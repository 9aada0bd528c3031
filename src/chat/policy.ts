// Who may do what in a room: the one place that decides. Pages, the subscribe route, the relay's
// audience at send time and the personalising /me/style.css all ask here. PocketBase's API rules
// (pb_migrations) say the same in its filter language, and tests/integration/chat/policy.test.mjs
// proves the two agree for every role.

export type Role = 'owner' | 'member' | ''

/** Standing is where one person stands in one room: all any rule below needs. */
export interface Standing {
  /** '' for a guest */
  userId: string
  isPublic: boolean
  role: Role
}

export function roleIn(roomId: string, userId: string, app: any = $app): Role {
  if (!userId) return ''
  const row = new DynamicModel({ role: '' })
  try {
    app.db().newQuery('SELECT role FROM memberships WHERE room = {:room} AND user = {:user}').bind({ room: roomId, user: userId }).one(row)
  } catch {
    return ''
  }
  return row.role as Role
}

/** standingIn reads a person's standing in a room record (null user: a guest). */
export function standingIn(room: any, userId: string | null, app: any = $app): Standing {
  return { userId: userId || '', isPublic: room.getString('kind') === 'public', role: roleIn(room.id, userId || '', app) }
}

/** mayRead: see the room, its messages, its members and its live events. */
export const mayRead = (s: Standing): boolean => !!s.userId && (s.isPublic || s.role !== '')
/** mayPost: write in the room. */
export const mayPost = (s: Standing): boolean => s.role !== ''
/** mayJoin: become a member by oneself (public rooms only). */
export const mayJoin = (s: Standing): boolean => !!s.userId && s.isPublic && s.role === ''
/** mayLeave: the owner stays, so a room is never left without one. */
export const mayLeave = (s: Standing): boolean => s.role === 'member'
/** mayManageMembers: add and remove people. */
export const mayManageMembers = (s: Standing): boolean => s.role === 'owner'
/** mayEdit: one's own message, in a room one may read. */
export const mayEdit = (s: Standing, authorId: string): boolean => mayRead(s) && s.userId === authorId
/** mayDelete: one's own message, or any message in a room one owns. */
export const mayDelete = (s: Standing, authorId: string): boolean => mayRead(s) && (s.userId === authorId || s.role === 'owner')
/** mayReact: members only (a public room's reader joins first). */
export const mayReact = (s: Standing): boolean => s.role !== ''
/** mayDownvote: 👎 hides a message once enough members give it, so never on one's own. */
export const mayDownvote = (s: Standing, authorId: string): boolean => mayReact(s) && s.userId !== authorId
/** mayModerate: read what the community hid and restore it (in the lobby, which has no owner: superusers only). */
export const mayModerate = (s: Standing): boolean => s.role === 'owner'
/** mayReadModeration: the room's moderation log. */
export const mayReadModeration = (s: Standing): boolean => s.role !== ''

/** Audience is who may receive a room's events: decided at the moment of sending. */
export interface Audience {
  /** every signed-in user (a public room) */
  anyUser: boolean
  /** otherwise only these user ids (the members of a private room) */
  users: string[]
}

/** audience is mayRead for everyone at once, for the relay. */
export function audience(app: any, roomId: string): Audience {
  let room: any
  try {
    room = app.findRecordById('rooms', roomId)
  } catch {
    return { anyUser: false, users: [] }
  }
  if (room.getString('kind') === 'public') return { anyUser: true, users: [] }
  const users = app.findRecordsByFilter('memberships', 'room = {:room}', '', 0, 0, { room: roomId }).map((m: any) => m.getString('user'))
  return { anyUser: false, users }
}

/**
 * moderatedRoomIds lists the rooms where the user may delete anyone's message (mayDelete beyond
 * their own), for /me/style.css: messages are rendered once for everyone, and CSS shows each
 * person the actions they have.
 */
export function moderatedRoomIds(userId: string): string[] {
  return $app
    .findRecordsByFilter('memberships', "user = {:user} && role = 'owner'", '', 0, 0, { user: userId })
    .map((m: any) => m.getString('room'))
}
