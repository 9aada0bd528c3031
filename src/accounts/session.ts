// Sessions: a server-side record per signed-in browser, and an HttpOnly, SameSite=Lax cookie
// holding a random secret. Only the secret's SHA-256 is stored, so a copy of the database cannot
// be replayed as a cookie. Ending a session deletes the record and closes its live connections
// (the relay knows each connection's session from the cookie its EventSource sent).
import type { PageRequest } from '../runtime/request'

export const SESSION_COOKIE = 'hearth_session'

/** User is what pages and templates know of the signed-in person. */
export interface User {
  id: string
  username: string
  name: string
  /** 'admin' for Hearth's admins (see policy.isAdmin), else '' */
  role: string
  /** their picture's file name, '' for none (src/accounts/pictures.ts) */
  picture: string
  /** the id of the session this request came with */
  sessionId: string
}

/** Session is one signed-in browser as its owner sees it on the sessions page. */
export interface Session {
  id: string
  browser: string
  ip: string
  lastSeen: string
  created: string
  current: boolean
}

// A session with the user it belongs to, as one query finds them.
interface Row {
  id: string
  lastSeen: string
  userId: string
  username: string
  name: string
  role: string
  picture: string
}

/** idleSeconds: a session unused this long ends (HEARTH_SESSION_IDLE_SECONDS, default 30 days). */
export function idleSeconds(): number {
  const n = Number(process.env.HEARTH_SESSION_IDLE_SECONDS)
  return n > 0 ? n : 30 * 24 * 3600
}

// lastSeen (and the cookie's lifetime) is refreshed at most this often, not on every request
function touchEveryMs(): number {
  return Math.min(5 * 60 * 1000, (idleSeconds() * 1000) / 10)
}

/** hashOf is the stored form of a session secret; the relay computes the same for the cookie. */
export function hashOf(secret: string): string {
  return $security.sha256(secret)
}

function findSession(secret: string): Row | null {
  const row = new DynamicModel({ id: '', lastSeen: '', userId: '', username: '', name: '', role: '', picture: '' })
  try {
    $app.db().newQuery(
      `SELECT s.id AS id, s.lastSeen AS lastSeen, u.id AS userId, u.username AS username, u.name AS name, u.role AS role, u.avatar AS picture
         FROM sessions s JOIN users u ON u.id = s.user WHERE s.tokenHash = {:hash} AND NOT u.disabled`,
    ).bind({ hash: hashOf(secret) }).one(row)
  } catch {
    return null
  }
  return { id: row.id, lastSeen: row.lastSeen, userId: row.userId, username: row.username, name: row.name, role: row.role, picture: row.picture }
}

function ageMs(dateString: string): number {
  const at = Date.parse(dateString.replace(' ', 'T'))
  return Number.isNaN(at) ? Infinity : Date.now() - at
}

function nowString(): string {
  return new Date().toISOString().replace('T', ' ')
}

/** currentUser finds the session of the cookie; an unknown or idle one is cleared. */
export function currentUser(e: any, request: PageRequest): User | null {
  const secret = request.cookie(SESSION_COOKIE)
  if (!secret) return null
  const session = findSession(secret)
  if (!session || ageMs(session.lastSeen) > idleSeconds() * 1000) {
    if (session) deleteSessions('id = {:id}', { id: session.id })
    clearSession(e, request)
    return null
  }
  if (ageMs(session.lastSeen) > touchEveryMs()) {
    // the browser is the one that logged in; where it is and when it was last used move on
    $app.db().newQuery('UPDATE sessions SET lastSeen = {:now}, ip = {:ip} WHERE id = {:id}')
      .bind({ now: nowString(), ip: request.ip, id: session.id }).execute()
    setCookie(e, request, secret)
  }
  return { id: session.userId, username: session.username, name: session.name || session.username, role: session.role, picture: session.picture, sessionId: session.id }
}

/** startSession signs a user in on this browser: a new session record and its cookie. */
export function startSession(e: any, request: PageRequest, record: any): void {
  const secret = $security.randomString(48)
  const session = new Record($app.findCachedCollectionByNameOrId('sessions'))
  session.set('user', record.id)
  session.set('tokenHash', hashOf(secret))
  session.set('userAgent', request.header('User-Agent').slice(0, 300))
  session.set('ip', request.ip)
  session.set('lastSeen', nowString())
  $app.save(session)
  setCookie(e, request, secret)
}

function setCookie(e: any, request: PageRequest, value: string): void {
  e.setCookie(new Cookie({
    name: SESSION_COOKIE,
    value,
    path: '/',
    maxAge: value ? idleSeconds() : -1,
    httpOnly: true,
    secure: request.isHttps,
    sameSite: 2, // Lax: the cookie rides top-level navigations from links, never cross-site POSTs
  }))
}

export function clearSession(e: any, request: PageRequest): void {
  setCookie(e, request, '')
}

// Deletes the matching sessions and closes their live connections; returns how many ended.
function deleteSessions(where: string, params: Record<string, string>): number {
  const rows = arrayOf(new DynamicModel({ id: '', tokenHash: '' }))
  $app.db().newQuery(`SELECT id, tokenHash FROM sessions WHERE ${where}`).bind(params).all(rows)
  for (const row of rows) {
    $app.db().newQuery('DELETE FROM sessions WHERE id = {:id}').bind({ id: row.id }).execute()
    $relay.disconnectSession(row.tokenHash)
  }
  return rows.length
}

/** endSession logs this browser out: its session ends for pages and live connections at once. */
export function endSession(e: any, request: PageRequest): void {
  const secret = request.cookie(SESSION_COOKIE)
  if (secret) deleteSessions('tokenHash = {:hash}', { hash: hashOf(secret) })
  clearSession(e, request)
}

/** endSessionOf ends one of the user's sessions by id; false when it is not theirs (or gone). */
export function endSessionOf(userId: string, sessionId: string): boolean {
  return deleteSessions('id = {:id} AND user = {:user}', { id: sessionId, user: userId }) > 0
}

/**
 * endAllSessions ends every session of the user but keepId (none by default), and every API
 * token PocketBase issued them (a new token key).
 */
export function endAllSessions(userId: string, keepId = ''): void {
  deleteSessions('user = {:user} AND id != {:keep}', { user: userId, keep: keepId })
  const record = $app.findRecordById('users', userId)
  record.refreshTokenKey()
  $app.save(record)
}

/** sessionsOf lists the user's sessions, the most recently used first. */
export function sessionsOf(user: User): Session[] {
  const rows = arrayOf(new DynamicModel({ id: '', userAgent: '', ip: '', lastSeen: '', created: '' }))
  $app.db().newQuery('SELECT id, userAgent, ip, lastSeen, created FROM sessions WHERE user = {:user} ORDER BY lastSeen DESC')
    .bind({ user: user.id }).all(rows)
  return rows.map((r: any) => ({
    id: r.id,
    browser: browserOf(r.userAgent),
    ip: r.ip,
    lastSeen: String(r.lastSeen).replace(' ', 'T'),
    created: String(r.created).replace(' ', 'T'),
    current: r.id === user.sessionId,
  }))
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, 'Edge'], [/OPR\//, 'Opera'], [/Firefox\//, 'Firefox'], [/Chrom(e|ium)\//, 'Chrome'], [/Safari\//, 'Safari'],
]
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'], [/iPhone|iPad/, 'iOS'], [/Windows/, 'Windows'], [/Mac OS X|Macintosh/, 'macOS'], [/Linux/, 'Linux'],
]

/** browserOf names a browser and system from a User-Agent, for people to recognise their devices. */
export function browserOf(userAgent: string): string {
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1]
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1]
  if (!browser && !system) return userAgent ? 'Unknown browser' : 'No browser named'
  return [browser || 'A browser', system && `on ${system}`].filter(Boolean).join(' ')
}
