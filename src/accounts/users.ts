// Sign-up and log-in of Hearth's people (the PocketBase "users" auth collection).
import { LIMITS, guard, refund } from '../runtime/limits'
import { joinLobby } from '../chat/members'
import type { Errors } from '../runtime/forms'
import { refusedAsDuplicate } from '../runtime/records'
import * as settings from '../site/settings'
import * as invites from '../site/invites'
import { TOO_MANY_FAILED_LOGINS, passwordProblem } from './passwords'

export const USERNAME = /^[a-z0-9_]{3,24}$/
/** DISABLED is what a disabled account is told when it logs in (src/accounts/disabling.ts). */
export const DISABLED = 'This account is disabled. Ask an admin of this site.'

/** findUser finds a person by id, or else by username. */
export function findUser(idOrUsername: string): any | null {
  if (/^[a-z0-9]{15}$/.test(idOrUsername)) {
    try {
      return $app.findRecordById('users', idOrUsername)
    } catch {
      // a username that looks like an id
    }
  }
  return findUserByUsername(idOrUsername)
}

export function findUserByUsername(username: string): any | null {
  try {
    return $app.findFirstRecordByData('users', 'username', username.trim().toLowerCase())
  } catch {
    return null
  }
}

/** nameProblem tells why a display name is refused ('' when it is fine); see src/server/names. */
export function nameProblem(raw: string): string {
  return $names.problem(raw)
}

/** normalizeName is the display name others see: NFC, trimmed, spaces collapsed, else the username. */
export function normalizeName(raw: string, username: string): string {
  return $names.normalize(raw) || username
}

/**
 * settleName runs on every save of a user, from Hearth's pages or PocketBase's API and dashboard:
 * a new or changed display name must pass nameProblem, and is stored normalised.
 */
export function settleName(record: any, isNew: boolean): void {
  const raw = record.getString('name')
  if (!isNew && raw === record.original().getString('name')) return
  const problem = nameProblem(raw)
  if (problem) throw new BadRequestError(problem, { name: new ValidationError('invalid_name', problem) })
  record.set('name', normalizeName(raw, record.getString('username')))
}

/**
 * newAccount checks a sign-up form and returns the unsaved user record, or the errors to show.
 * Saving it (with joinLobby, in one transaction) is the caller's: sign-up and first run differ there.
 */
export function newAccount(form: Record<string, string>): { record?: any; errors?: Errors } {
  const username = (form.username || '').trim().toLowerCase()
  const name = form.name || ''
  const password = form.password || ''
  const errors: Errors = {}
  if (!USERNAME.test(username)) errors.username = 'Use 3 to 24 lowercase letters, digits or underscores.'
  else if (findUserByUsername(username)) errors.username = TAKEN
  const problem = nameProblem(name)
  if (problem) errors.name = problem
  const refused = passwordProblem(password)
  if (refused) errors.password = refused
  if (form.passwordConfirm !== password) errors.passwordConfirm = 'The two passwords differ.'
  if (Object.keys(errors).length) return { errors }
  const record = new Record($app.findCachedCollectionByNameOrId('users'))
  record.set('username', username)
  record.set('name', normalizeName(name, username))
  record.set('emailVisibility', false)
  record.setPassword(password)
  return { record }
}

/** Registration is whether this visitor may sign up: open, closed, or by invite (with theirs or not). */
export type Registration = 'open' | 'closed' | 'invited' | 'uninvited' | 'revoked'

/** registrationFor answers for a visitor who came with invite (a link's token, or ''). */
export function registrationFor(invite: string): Registration {
  const mode = settings.current().registration
  if (mode !== 'invite') return mode
  if (invites.isUsable(invite)) return 'invited'
  return invites.isRevoked(invite) ? 'revoked' : 'uninvited'
}

const TAKEN = 'That username is taken.'
const USED_UP = 'This invite link has expired or has been used up. Ask for a new one.'
export const REVOKED = 'This invite link was revoked by an admin. Ask for a new one.'

// why an invite let nobody in: revoked, or expired and used up (or never was)
const refusalOf = (invite: string) => (invites.isRevoked(invite) ? REVOKED : USED_UP)

/**
 * signUp creates an account; it returns the new user record or the errors to show, or closed when
 * the site takes no sign-ups. Every attempt, refused ones included, counts against the network's
 * sign-up limit, reserved before any work. By invite, the invite's use is taken in the account's
 * transaction: a sign-up that fails uses nothing.
 */
export function signUp(form: Record<string, string>, ip: string): { record?: any; errors?: Errors; closed?: boolean } {
  const registration = registrationFor(form.invite || '')
  if (registration === 'closed') return { closed: true }
  guard(LIMITS.signups, ip, 'Too many sign-ups from your network. Please try again later.', 'username')
  if (registration === 'uninvited' || registration === 'revoked') return { errors: { username: refusalOf(form.invite || '') } }
  const result = newAccount(form)
  if (!result.record) return result
  let refused = false
  try {
    $app.runInTransaction((tx: any) => {
      if (registration === 'invited' && !invites.consume(tx, form.invite)) {
        refused = true
        return
      }
      tx.save(result.record)
      joinLobby(tx, result.record.id)
    })
  } catch (err) {
    // the same username signed up twice at once: the unique index let one through
    if (refusedAsDuplicate(err)) return { errors: { username: TAKEN } }
    throw err
  }
  return refused ? { errors: { username: refusalOf(form.invite) } } : result
}

/**
 * checkPassword compares the password with the user's hash, or, for a username nobody has, with a
 * dummy hash of the same bcrypt cost, so both take as long (timing must not tell who has an account).
 */
function checkPassword(record: any | null, password: string): boolean {
  if (record) return record.validatePassword(password)
  const cost = $app.findCachedCollectionByNameOrId('users').fields.getByName('password').cost
  return $passwords.dummyCheck(password, cost)
}

/**
 * logIn checks a username and password. Each attempt reserves a slot of the IP's failed log-in
 * limit before the password is checked, and a success gives it back: once the slots are gone no
 * password is checked at all, the right one included.
 */
export function logIn(form: Record<string, string>, ip: string): { record?: any; errors?: Errors } {
  guard(LIMITS.failedLogins, ip, TOO_MANY_FAILED_LOGINS, 'username')
  const record = findUserByUsername(form.username || '')
  if (checkPassword(record, form.password || '')) {
    refund(LIMITS.failedLogins, ip)
    if (record.getBool('disabled')) return { errors: { username: DISABLED } }
    return { record }
  }
  return { errors: { username: 'That username and password do not match.' } }
}
