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
  /** a direct conversation: its two people are its members, for good */
  isDirect?: boolean
  /** one of Hearth's admins (isAdmin), in any room */
  isAdmin?: boolean
}

/** standingIn reads a person's standing in a room record (null user: a guest). */
export function standingIn(room: any, userId: string | null, app: any = $app): Standing {
  const kind = room.getString('kind')
  const id = userId || ''
  const { role, isAdmin } = rolesOf(room.id, id, app)
  return { userId: id, isPublic: kind === 'public', isDirect: kind === 'direct', role, isAdmin }
}

// a person's role in the room and on the site, in one query: every room request reads both
function rolesOf(roomId: string, userId: string, app: any): { role: Role; isAdmin: boolean } {
  if (!userId) return { role: '', isAdmin: false }
  const row = new DynamicModel({ role: '', site: '' })
  app.db().newQuery(`SELECT COALESCE((SELECT role FROM memberships WHERE room = {:room} AND user = {:user}), '') AS role,
      COALESCE((SELECT role FROM users WHERE id = {:user}), '') AS site`).bind({ room: roomId, user: userId }).one(row)
  return { role: row.role as Role, isAdmin: row.site === 'admin' }
}

/** mayRead: see the room, its messages, its members and its live events. */
export const mayRead = (s: Standing): boolean => !!s.userId && (s.isPublic || s.role !== '')
/** mayPost: write in the room. */
export const mayPost = (s: Standing): boolean => s.role !== ''
/** mayJoin: become a member by oneself (public rooms only). */
export const mayJoin = (s: Standing): boolean => !!s.userId && s.isPublic && s.role === ''
/** mayLeave: the owner stays, so a room is never left without one; a direct conversation keeps its two. */
export const mayLeave = (s: Standing): boolean => s.role === 'member' && !s.isDirect
/** mayManageMembers: add and remove people. */
export const mayManageMembers = (s: Standing): boolean => s.role === 'owner'
/** mayEdit: one's own message, in a room one may read. */
export const mayEdit = (s: Standing, authorId: string): boolean => mayRead(s) && s.userId === authorId
/** mayDelete: one's own message, or any message in a room one owns, or (admins) any room one may read. */
export const mayDelete = (s: Standing, authorId: string): boolean => mayRead(s) && (s.userId === authorId || s.role === 'owner' || !!s.isAdmin)
/** mayReact: members only (a public room's reader joins first). */
export const mayReact = (s: Standing): boolean => s.role !== ''
/** mayDownvote: 👎 hides a message once enough members give it, so never on one's own. */
export const mayDownvote = (s: Standing, authorId: string): boolean => mayReact(s) && s.userId !== authorId
/**
 * mayModerate: read what the community hid and restore it: the room's owner, and admins in every
 * room they may read (the lobby has no owner). Admins see no private room they are not in.
 */
export const mayModerate = (s: Standing): boolean => s.role === 'owner' || (!!s.isAdmin && mayRead(s))
/** mayReadModeration: the room's moderation log, for its members and its moderators. */
export const mayReadModeration = (s: Standing): boolean => s.role !== '' || mayModerate(s)

/** isAdmin: one of Hearth's admins (users.role: set on first run, by another admin or by a superuser). */
export const isAdmin = (user: { role?: string } | null): boolean => user?.role === 'admin'

/** maySeeRelease: the Hearth release in the page footer (_private/release-footer.ejs). */
export const maySeeRelease = (user: { role?: string } | null): boolean => isAdmin(user)

/** Audience is who may receive a room's events: decided at the moment of sending. */
export interface Audience {
  /** every signed-in user (a public room) */
  anyUser: boolean
  /** otherwise only these user ids (the members of a private room) */
  users: string[]
}

/** audience is mayRead for everyone at once, for the relay. */
export function audience(app: any, roomId: string): Audience {
  // plain queries: this runs inside every change's transaction, while it holds SQLite's writer
  const room = new DynamicModel({ kind: '' })
  try {
    app.db().newQuery('SELECT kind FROM rooms WHERE id = {:id}').bind({ id: roomId }).one(room)
  } catch {
    return { anyUser: false, users: [] }
  }
  if (room.kind === 'public') return { anyUser: true, users: [] }
  const members = arrayOf(new DynamicModel({ user: '' }))
  app.db().newQuery('SELECT user FROM memberships WHERE room = {:room}').bind({ room: roomId }).all(members)
  return { anyUser: false, users: members.map((m: any) => m.user) }
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

/**
 * readersNamed is mayRead for many people at once, by username, in one query: those of them who
 * may read the room (any user in a public room, members in a private one), username to user id.
 * A mention links only these.
 */
export function readersNamed(app: any, roomId: string, usernames: string[]): Map<string, string> {
  const found = new Map<string, string>()
  if (!usernames.length || !roomId) return found
  const rows = arrayOf(new DynamicModel({ id: '', username: '' }))
  const names = usernames.map((_, i) => `{:u${i}}`).join(',')
  app.db().newQuery(`SELECT u.id AS id, u.username AS username FROM users u JOIN rooms r ON r.id = {:room}
    WHERE u.username IN (${names}) AND (r.kind = 'public' OR EXISTS (SELECT 1 FROM memberships m WHERE m.room = r.id AND m.user = u.id))`)
    .bind({ room: roomId, ...Object.fromEntries(usernames.map((name, i) => [`u${i}`, name])) })
    .all(rows)
  for (const row of rows) found.set(row.username, row.id)
  return found
}
