// Admins disable accounts: a disabled person's sessions and API tokens end at once, their live
// connections close, and they cannot log in again until an admin enables the account.
import { HttpError } from '../runtime/context'
import { DISABLED } from './users'
import { endAllSessions } from './session'
import { changeAccount } from './standing'

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
  const record = changeAccount(adminId, username, (tx, record) => {
    if (record.id === adminId && disabled) throw new HttpError(409, 'You cannot disable your own account.')
    record.set('disabled', disabled)
    tx.save(record)
  })
  if (disabled) endAllSessions(record.id)
}

/** setAdmin gives the account the admin role or takes it away; never one's own (a site keeps an admin). */
export function setAdmin(adminId: string, username: string, admin: boolean): void {
  changeAccount(adminId, username, (tx, record) => {
    if (record.id === adminId && !admin) throw new HttpError(409, 'You cannot stop being an admin yourself: another admin can do it.')
    record.set('role', admin ? 'admin' : '')
    tx.save(record)
  })
}
