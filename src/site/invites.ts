// Invite links, for registration by invite: each has an expiry and a number of uses. The link's
// secret is shown once, to the admin who makes it; only its SHA-256 is stored.
import type { Errors } from '../runtime/forms'

export interface Invite {
  id: string
  expires: string
  maxUses: number
  uses: number
  usable: boolean
}

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
    usable: r.getInt('uses') < r.getInt('maxUses') && r.getString('expires') > now,
  }))
}

/** isUsable: the token names an invite that has not expired and has uses left. */
export function isUsable(token: string): boolean {
  if (!token) return false
  const row = new DynamicModel({ n: 0 })
  $app.db().newQuery('SELECT EXISTS (SELECT 1 FROM invites WHERE tokenHash = {:hash} AND uses < maxUses AND expires > {:now}) AS n')
    .bind({ hash: hashOf(token), now: nowString() }).one(row)
  return !!row.n
}

/**
 * consume takes one use of the invite inside tx (the sign-up's transaction), or returns false: the
 * check and the count are one UPDATE, so sign-ups at once never use more than the invite has.
 */
export function consume(tx: any, token: string): boolean {
  if (!token) return false
  const result = tx.db().newQuery('UPDATE invites SET uses = uses + 1 WHERE tokenHash = {:hash} AND uses < maxUses AND expires > {:now}')
    .bind({ hash: hashOf(token), now: nowString() }).execute()
  return result.rowsAffected() === 1
}
