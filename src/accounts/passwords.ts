// Passwords: what a new one must be, and changing one's own. A change ends every other session and
// every API token (a new token key), so whoever learned the old password is out everywhere but here.
import type { Errors } from '../runtime/forms'
import { LIMITS, LimitError, guard, refund, take } from '../runtime/limits'
import { endAllSessions, type User } from './session'

export const PASSWORD_MIN = 8
/**
 * PASSWORD_MAX_BYTES is counted in UTF-8, as bcrypt counts: it refuses more than 72 bytes, and
 * PocketBase's password field takes at most 71 characters (its settings allow no more), so 71
 * bytes keeps within both. Counting JavaScript characters let 'é' x 40 (80 bytes) reach bcrypt: a 500.
 */
export const PASSWORD_MAX_BYTES = 71

/** passwordProblem tells why a new password is refused ('' when it is fine). */
export function passwordProblem(password: string): string {
  // characters as PocketBase counts them (code points): an emoji is one, not two
  if (Array.from(password).length < PASSWORD_MIN) return `Use at least ${PASSWORD_MIN} characters.`
  if (utf8Length(password) > PASSWORD_MAX_BYTES) {
    return `Use at most ${PASSWORD_MAX_BYTES} bytes: a plain letter or digit is one, an accented letter two, an emoji four.`
  }
  return ''
}

function utf8Length(text: string): number {
  let bytes = 0
  for (const c of text) {
    const code = c.codePointAt(0)!
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
  }
  return bytes
}

/** TOO_MANY_FAILED_LOGINS is the 429 of an address out of failed log-ins, on every page that checks a password. */
export const TOO_MANY_FAILED_LOGINS = 'Too many failed log-ins from your network. Please wait a few minutes and try again.'
const TOO_MANY_FOR_ACCOUNT = 'Too many wrong passwords for this account. Please wait a few minutes and try again.'

/**
 * checkCurrentPassword is a log-in: a wrong current password counts against the failed log-in
 * limit, both the address's (shared with the log-in page and the API) and the account's own (a
 * stolen session guessing from many addresses). Both slots are reserved before bcrypt runs and
 * given back when it was right; once either is gone no password is checked, the right one included.
 */
function checkCurrentPassword(record: any, password: string, ip: string): boolean {
  const account = `account:${record.id}`
  guard(LIMITS.failedLogins, ip, TOO_MANY_FAILED_LOGINS, 'oldPassword')
  if (!take(LIMITS.failedLogins, account)) {
    refund(LIMITS.failedLogins, ip) // no password was checked
    throw new LimitError(TOO_MANY_FOR_ACCOUNT, 'oldPassword')
  }
  if (!record.validatePassword(password)) return false
  refund(LIMITS.failedLogins, ip)
  refund(LIMITS.failedLogins, account)
  return true
}

export function changePassword(user: User, form: Record<string, string>, ip: string): { errors?: Errors } {
  const record = $app.findRecordById('users', user.id)
  const password = form.password || ''
  const errors: Errors = {}
  if (!checkCurrentPassword(record, form.oldPassword || '', ip)) errors.oldPassword = 'That is not your current password.'
  const problem = passwordProblem(password)
  if (problem) errors.password = problem
  if (form.passwordConfirm !== password) errors.passwordConfirm = 'The two passwords differ.'
  if (Object.keys(errors).length) return { errors }
  record.setPassword(password)
  $app.save(record)
  endAllSessions(user.id, user.sessionId)
  return {}
}
