// First run: on a fresh install the first visitor creates the first admin, and nobody after.
// Once anyone has an account, only a PocketBase superuser makes admins (the dashboard, or the
// API, sets users.role): a page that let the first signed-in person claim an install that already
// has people would hand it to whoever came first after an upgrade.
import { LIMITS, guard } from '../runtime/limits'
import { joinLobby } from '../chat/members'
import { newAccount } from './users'
import type { Errors } from '../runtime/forms'

/** isFresh: nobody has an account yet, so the first-run page is open. */
export function isFresh(app: any = $app): boolean {
  const row = new DynamicModel({ n: 0 })
  app.db().newQuery('SELECT EXISTS (SELECT 1 FROM users) AS n').one(row)
  return !row.n
}

/**
 * claimFirstAdmin creates the first account, an admin; taken is true when someone else has an
 * account by now. The check and the save share one transaction, and PocketBase runs write
 * transactions one at a time, so of many first visits at once exactly one makes an admin.
 */
export function claimFirstAdmin(form: Record<string, string>, ip: string): { record?: any; errors?: Errors; taken?: boolean } {
  guard(LIMITS.signups, ip, 'Too many sign-ups from your network. Please try again later.', 'username')
  if (!isFresh()) return { taken: true }
  const result = newAccount(form)
  if (!result.record) return result
  result.record.set('role', 'admin')
  let taken = false
  $app.runInTransaction((tx: any) => {
    if (!isFresh(tx)) {
      taken = true
      return
    }
    tx.save(result.record)
    joinLobby(tx, result.record.id)
  })
  return taken ? { taken } : result
}
