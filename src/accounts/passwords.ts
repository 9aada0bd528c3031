// Passwords: what a new one must be, and changing one's own. A change ends every other session and
// every API token (a new token key), so whoever learned the old password is out everywhere but here.
import type { Errors } from '../runtime/forms'
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

export function changePassword(user: User, form: Record<string, string>): { errors?: Errors } {
  const record = $app.findRecordById('users', user.id)
  const password = form.password || ''
  const errors: Errors = {}
  if (!record.validatePassword(form.oldPassword || '')) errors.oldPassword = 'That is not your current password.'
  const problem = passwordProblem(password)
  if (problem) errors.password = problem
  if (form.passwordConfirm !== password) errors.passwordConfirm = 'The two passwords differ.'
  if (Object.keys(errors).length) return { errors }
  record.setPassword(password)
  $app.save(record)
  endAllSessions(user.id, user.sessionId)
  return {}
}
