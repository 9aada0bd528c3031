// Admins disable accounts: a disabled person's sessions and API tokens end at once, their live
// connections close, and they cannot log in again until an admin enables the account.
import { HttpError } from '../runtime/context'
import { findUserByUsername, DISABLED } from './users'
import { endAllSessions } from './session'

export { DISABLED }

export interface Person {
  id: string
  username: string
  name: string
  disabled: boolean
  admin: boolean
}

/** people lists every account for the admin's page, by username. */
export function people(): Person[] {
  return $app.findRecordsByFilter('users', '', 'username', 0, 0).map((r: any) => ({
    id: r.id,
    username: r.getString('username'),
    name: r.getString('name'),
    disabled: r.getBool('disabled'),
    admin: r.getString('role') === 'admin',
  }))
}

/** setDisabled disables or enables the account; an admin cannot disable their own. */
export function setDisabled(adminId: string, username: string, disabled: boolean): void {
  const record = findUserByUsername(username)
  if (!record) throw new HttpError(404, 'Nobody has that username.')
  if (record.id === adminId && disabled) throw new HttpError(409, 'You cannot disable your own account.')
  record.set('disabled', disabled)
  $app.save(record)
  if (disabled) endAllSessions(record.id)
}

