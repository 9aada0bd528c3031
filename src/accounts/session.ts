// The signed-in session: an HttpOnly, SameSite=Lax cookie holding a PocketBase auth token.
import type { PageRequest } from '../runtime/request'

export const SESSION_COOKIE = 'hearth_session'

/** User is what pages and templates know of the signed-in person. */
export interface User {
  id: string
  username: string
  name: string
}

export function userOf(record: any): User {
  return {
    id: record.id,
    username: record.getString('username'),
    name: record.getString('name') || record.getString('username'),
  }
}

/** currentUser validates the session cookie and renews it when it is past half its life. */
export function currentUser(e: any, request: PageRequest): User | null {
  const token = request.cookie(SESSION_COOKIE)
  if (!token) return null
  let record: any
  try {
    // 'auth' only: password-reset, verification and file tokens must not open a session
    record = $app.findAuthRecordByToken(token, 'auth')
  } catch {
    clearSession(e, request)
    return null
  }
  if (record.collection().name !== 'users') return null
  renewIfOld(e, request, record, token)
  return userOf(record)
}

function renewIfOld(e: any, request: PageRequest, record: any, token: string): void {
  const claims = $security.parseUnverifiedJWT(token)
  const lifetime = record.collection().authToken.duration
  const left = Number(claims.exp) - Date.now() / 1000
  if (left < lifetime / 2) startSession(e, request, record)
}

/** startSession signs a user in on this browser. */
export function startSession(e: any, request: PageRequest, record: any): void {
  const lifetime = record.collection().authToken.duration
  e.setCookie(new Cookie({
    name: SESSION_COOKIE,
    value: record.newAuthToken(),
    path: '/',
    maxAge: lifetime,
    httpOnly: true,
    secure: request.isHttps,
    sameSite: 2, // Lax: the cookie rides top-level navigations from links, never cross-site POSTs
  }))
}

export function clearSession(e: any, request: PageRequest): void {
  e.setCookie(new Cookie({
    name: SESSION_COOKIE,
    value: '',
    path: '/',
    maxAge: -1,
    httpOnly: true,
    secure: request.isHttps,
    sameSite: 2,
  }))
}

/** endAllSessions invalidates every token of the user, on every device. */
export function endAllSessions(userId: string): void {
  const record = $app.findRecordById('users', userId)
  record.refreshTokenKey()
  $app.save(record)
}
