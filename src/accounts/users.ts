// Sign-up and log-in of Hearth's people (the PocketBase "users" auth collection).
import { LIMITS, guard, isLimited, count } from '../runtime/limits'
import { HttpError } from '../runtime/context'
import { joinLobby } from '../chat/members'
import type { Errors } from '../web/forms'

export const USERNAME = /^[a-z0-9_]{3,24}$/
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 72 // bcrypt ignores what comes after 72 bytes

export function findUserByUsername(username: string): any | null {
  try {
    return $app.findFirstRecordByData('users', 'username', username.trim().toLowerCase())
  } catch {
    return null
  }
}

/** signUp creates an account; it returns the new user record or the errors to show. */
export function signUp(form: Record<string, string>, ip: string): { record?: any; errors?: Errors } {
  const username = (form.username || '').trim().toLowerCase()
  const name = (form.name || '').trim()
  const password = form.password || ''
  const errors: Errors = {}
  if (!USERNAME.test(username)) errors.username = 'Use 3 to 24 lowercase letters, digits or underscores.'
  else if (findUserByUsername(username)) errors.username = 'That username is taken.'
  if (name.length > 60) errors.name = 'Keep the display name under 60 characters.'
  if (password.length < PASSWORD_MIN) errors.password = `Use at least ${PASSWORD_MIN} characters.`
  else if (password.length > PASSWORD_MAX) errors.password = `Use at most ${PASSWORD_MAX} characters.`
  if (form.passwordConfirm !== password) errors.passwordConfirm = 'The two passwords differ.'
  if (Object.keys(errors).length) return { errors }
  guard(LIMITS.signups, ip, 'Too many sign-ups from your network. Please try again later.')
  const record = new Record($app.findCachedCollectionByNameOrId('users'))
  record.set('username', username)
  record.set('name', name || username)
  record.set('emailVisibility', false)
  record.setPassword(password)
  $app.runInTransaction((tx: any) => {
    tx.save(record)
    joinLobby(tx, record.id)
  })
  return { record }
}

/** logIn checks a username and password; failures count against the IP's limit. */
export function logIn(form: Record<string, string>, ip: string): { record?: any; errors?: Errors } {
  if (isLimited(LIMITS.failedLogins, ip)) {
    throw new HttpError(429, 'Too many failed log-ins from your network. Please wait a few minutes and try again.')
  }
  const record = findUserByUsername(form.username || '')
  if (record && record.validatePassword(form.password || '')) return { record }
  count(LIMITS.failedLogins, ip)
  return { errors: { username: 'That username and password do not match.' } }
}
