// Changing one's password. It ends every other session and every API token (a new token key),
// so whoever learned the old password is out everywhere but here.
import type { Errors } from '../runtime/forms'
import { endAllSessions, type User } from './session'
import { PASSWORD_MIN, PASSWORD_MAX } from './users'

export function changePassword(user: User, form: Record<string, string>): { errors?: Errors } {
  const record = $app.findRecordById('users', user.id)
  const password = form.password || ''
  const errors: Errors = {}
  if (!record.validatePassword(form.oldPassword || '')) errors.oldPassword = 'That is not your current password.'
  if (password.length < PASSWORD_MIN) errors.password = `Use at least ${PASSWORD_MIN} characters.`
  else if (password.length > PASSWORD_MAX) errors.password = `Use at most ${PASSWORD_MAX} characters.`
  if (form.passwordConfirm !== password) errors.passwordConfirm = 'The two passwords differ.'
  if (Object.keys(errors).length) return { errors }
  record.setPassword(password)
  $app.save(record)
  endAllSessions(user.id, user.sessionId)
  return {}
}
