// Invite links, for registration by invite: each has an expiry and a number of uses, and an admin
// may revoke it. The link's secret is shown once, to the admin who makes it; only its SHA-256 is
// stored.
import type { Errors } from '../runtime/forms'
import { HttpError } from '../runtime/context'

export interface Invite {
  id: string
  expires: string
  maxUses: number
  uses: number
  revoked: boolean
  usable: boolean
}

// what makes an invite usable, in SQL: checked and counted by one statement (see consume)
const USABLE = "uses < maxUses AND expires > {:now} AND revoked = ''"

const nowString = () => new Date().toISOString().replace('T', ' ')
const hashOf = (token: string) => $security.sha256(token)

/** create makes an invite good for days days and maxUses sign-ups; it returns its secret token. */
export function create(creatorId: string, form: Record<string, string>): { token?: string; errors?: Errors } {
  const errors: Errors = {}
  const days = Number((form.days || '').trim())
  const maxUses = Number((form.maxUses || '').trim())
  if (!Number.isInteger(days) || days < 1 || days > 365) errors.days = 'Use a whole number of days from 1 to 365.'
  if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 10000) errors.maxUses = 'Use a whole number of uses from 1 to 10000.'
  if (Object.keys(errors).length) return { errors }
  const token = $security.randomString(32)
  const invite = new Record($app.findCachedCollectionByNameOrId('invites'))
  invite.set('tokenHash', hashOf(token))
  invite.set('expires', new Date(Date.now() + days * 86400 * 1000).toISOString().replace('T', ' '))
  invite.set('maxUses', maxUses)
  invite.set('uses', 0)
  invite.set('creator', creatorId)
  $app.save(invite)
  return { token }
}

/** list is every invite, newest first. */
export function list(): Invite[] {
  const now = nowString()
  return $app.findRecordsByFilter('invites', '', '-created', 200, 0).map((r: any) => ({
    id: r.id,
    expires: r.getString('expires'),
    maxUses: r.getInt('maxUses'),
    uses: r.getInt('uses'),
    revoked: r.getString('revoked') !== '',
    usable: r.getInt('uses') < r.getInt('maxUses') && r.getString('expires') > now && r.getString('revoked') === '',
  }))
}

/** isUsable: the token names an invite that has not expired and has uses left. */
export function isUsable(token: string): boolean {
  if (!token) return false
  const row = new DynamicModel({ n: 0 })
  $app.db().newQuery(`SELECT EXISTS (SELECT 1 FROM invites WHERE tokenHash = {:hash} AND ${USABLE}) AS n`)
    .bind({ hash: hashOf(token), now: nowString() }).one(row)
  return !!row.n
}

/**
 * consume takes one use of the invite inside tx (the sign-up's transaction), or returns false: the
 * check and the count are one UPDATE, so sign-ups at once never use more than the invite has.
 */
export function consume(tx: any, token: string): boolean {
  if (!token) return false
  const result = tx.db().newQuery(`UPDATE invites SET uses = uses + 1 WHERE tokenHash = {:hash} AND ${USABLE}`)
    .bind({ hash: hashOf(token), now: nowString() }).execute()
  return result.rowsAffected() === 1
}

/** isRevoked: the token names an invite an admin revoked. */
export function isRevoked(token: string): boolean {
  if (!token) return false
  const row = new DynamicModel({ n: 0 })
  $app.db().newQuery("SELECT EXISTS (SELECT 1 FROM invites WHERE tokenHash = {:hash} AND revoked != '') AS n").bind({ hash: hashOf(token) }).one(row)
  return !!row.n
}

/**
 * revoke ends an invite now (again: nothing changes). A sign-up that took its use before is kept;
 * any later one finds it revoked, as consume checks and counts in one statement. The time is
 * SQLite's when the UPDATE runs, after every sign-up committed before it.
 */
export function revoke(id: string): void {
  const result = $app.db().newQuery("UPDATE invites SET revoked = strftime('%Y-%m-%d %H:%M:%fZ', 'now') WHERE id = {:id} AND revoked = ''")
    .bind({ id }).execute()
  if (result.rowsAffected() === 0 && !exists(id)) throw new HttpError(404, 'There is no such invite link.')
}

function exists(id: string): boolean {
  const row = new DynamicModel({ n: 0 })
  $app.db().newQuery('SELECT EXISTS (SELECT 1 FROM invites WHERE id = {:id}) AS n').bind({ id }).one(row)
  return !!row.n
}
