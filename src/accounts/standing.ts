// What an admin may change about another account (its admin role, whether it is disabled) is
// decided inside the change's own write transaction: PocketBase runs transactions one at a time,
// so two admins who demote or disable each other at the same moment cannot both succeed and leave
// the site without an admin.
import { HttpError } from '../runtime/context'
import { findUserByUsername } from './users'

/**
 * changeAccount finds username's account and, in one transaction, checks that adminId is still an
 * enabled admin before change(tx, record) saves it; it returns the account's record.
 */
export function changeAccount(adminId: string, username: string, change: (tx: any, record: any) => void): any {
  const found = findUserByUsername(username)
  if (!found) throw new HttpError(404, 'Nobody has that username.')
  $app.runInTransaction((tx: any) => {
    const actor = tx.findRecordById('users', adminId)
    if (actor.getString('role') !== 'admin' || actor.getBool('disabled')) throw new HttpError(403, 'Only admins may change accounts.')
    change(tx, tx.findRecordById('users', found.id))
  })
  return found
}
