// Community moderation: when enough members other than its author give a message 👎, it is
// hidden for everyone (one placeholder in the shared fragment, its text blanked from the room's
// history); the room's owner reads it and may restore it. Every hide and restore is logged.
import { HttpError } from '../runtime/context'
import { findOrNull } from '../runtime/records'
import type { User } from '../accounts/session'
import { standingIn, mayModerate, mayReadModeration } from './policy'
import * as settings from '../site/settings'
import { DOWNVOTE } from './reactions'
import { gone } from './messages'

/** The record field (never stored) naming who changed a message's moderation, for the log. */
const MODERATED_BY = 'hearthModeratedBy'

/**
 * hideAt is how many downvotes hide a message (the site's setting, else HEARTH_HIDE_AT, else 5);
 * a record saved by a page carries the page's settings (see settings.carry).
 */
export function hideAt(app: any = $app, record?: any): number {
  const set = settings.current(app, record).hideAt
  if (set > 0) return set
  const n = Number(process.env.HEARTH_HIDE_AT)
  return Number.isInteger(n) && n > 0 ? n : 5
}

/**
 * downvotes counts the 👎 that hide: from the room's current members other than the author who
 * joined before the message was posted, so accounts that join to pile on do not count.
 */
export function downvotes(app: any, message: any): number {
  const row = new DynamicModel({ n: 0 })
  app.db().newQuery(
    `SELECT COUNT(*) AS n FROM reactions r JOIN memberships m ON m.room = r.room AND m.user = r.user
      WHERE r.message = {:id} AND r.emoji = {:down} AND r.user != {:author} AND m.created < {:posted}`,
  ).bind({ id: message.id, down: DOWNVOTE, author: message.getString('author'), posted: String(message.getDateTime('created').string()) }).one(row)
  return row.n
}

/**
 * hideIfDownvoted hides the message when its downvotes reach hideAt, inside tx (the reaction's
 * transaction): a save of the message, so its hooks render the placeholder, blank its earlier
 * events and log it. A message its owner restored stays restored: the owner had the last word.
 */
export function hideIfDownvoted(tx: any, message: any, reaction?: any): boolean {
  if (message.getString('moderation') !== '' || downvotes(tx, message) < hideAt(tx, reaction)) return false
  message.set('moderation', 'hidden')
  tx.save(message)
  return true
}

/** isHidden: the message shows as "Hidden by the community". */
export const isHidden = (record: any): boolean => record.getString('moderation') === 'hidden'

/** hiddenAlready answers a change to a hidden message that no one may make (a reaction, an edit). */
export const hiddenAlready = (): HttpError => new HttpError(409, 'This message was hidden by the community.')

/**
 * noteChange logs a change of a message's moderation, in the save's transaction: hidden (by how
 * many downvotes) or restored (by whom; nobody named: a superuser through PocketBase's API).
 */
export function noteChange(tx: any, record: any): void {
  const now = record.getString('moderation')
  if (now === record.original().getString('moderation') || !now) return
  const entry = new Record(tx.findCachedCollectionByNameOrId('moderation_log'))
  entry.set('room', record.getString('room'))
  entry.set('message', record.id)
  entry.set('number', record.getInt('number'))
  entry.set('action', now)
  entry.set('votes', downvotes(tx, record))
  const by = record.get(MODERATED_BY)
  if (typeof by === 'string' && by) entry.set('by', by)
  tx.save(entry)
}

/** restore shows a hidden message again, for everyone; only the room's owner may. */
export function restore(user: User, roomRecord: any, message: any): void {
  if (!mayModerate(standingIn(roomRecord, user.id))) throw new HttpError(403, "Only the room's owner can restore a hidden message.")
  // checked again in the restore's own write transaction (PocketBase runs them one at a time):
  // restores at once restore it, and log it, once; one deleted meanwhile is a 404
  let found = true
  $app.runInTransaction((tx: any) => {
    const current = findOrNull(tx, 'messages', message.id)
    found = !!current
    if (!current || !isHidden(current)) return
    current.set('moderation', 'restored')
    current.set(MODERATED_BY, user.id)
    tx.save(current)
  })
  if (!found) throw gone()
}

export interface LogEntry {
  action: 'hidden' | 'restored'
  at: string
  number: number
  /** '' once the message is deleted */
  messageId: string
  votes: number
  /** who restored it: a name, or '' for a superuser */
  by: string
}

/** Hidden is a hidden message as its moderators see it. */
export interface Hidden {
  id: string
  number: number
  author: string
  html: string
}

/** requireLogReader refuses the log to anyone but the room's members. */
export function requireLogReader(roomRecord: any, userId: string): { mayModerate: boolean } {
  const standing = standingIn(roomRecord, userId)
  if (!mayReadModeration(standing)) throw new HttpError(403, "Only the room's members can read its moderation log.")
  return { mayModerate: mayModerate(standing) }
}

/** logOf lists a room's hides and restores, newest first. */
export function logOf(roomId: string): LogEntry[] {
  const rows = arrayOf(new DynamicModel({ action: '', at: '', number: 0, messageId: '', votes: 0, by: '', byName: '' }))
  $app.db().newQuery(
    `SELECT l.action AS action, l.created AS at, l.number AS number, l.message AS messageId, l.votes AS votes, l.by AS by,
            COALESCE(NULLIF(u.name, ''), u.username, '') AS byName
       FROM moderation_log l LEFT JOIN users u ON u.id = l.by WHERE l.room = {:room} ORDER BY l.created DESC, l.id DESC LIMIT 200`,
  ).bind({ room: roomId }).all(rows)
  return (rows as any[]).map((r) => ({
    action: r.action,
    at: String(r.at).replace(' ', 'T'),
    number: r.number,
    messageId: r.messageId,
    votes: r.votes,
    by: r.by ? r.byName || 'someone who left' : '',
  }))
}

/** hiddenIn lists the room's hidden messages with their text: for its moderators only. */
export function hiddenIn(roomId: string): Hidden[] {
  const rows = arrayOf(new DynamicModel({ id: '', number: 0, author: '', html: '' }))
  $app.db().newQuery(
    `SELECT m.id AS id, m.number AS number, m.html AS html, COALESCE(NULLIF(u.name, ''), u.username, 'Someone who left') AS author
       FROM messages m LEFT JOIN users u ON u.id = m.author WHERE m.room = {:room} AND m.moderation = 'hidden' ORDER BY m.number DESC`,
  ).bind({ room: roomId }).all(rows)
  return (rows as any[]).map((r) => ({ id: r.id, number: r.number, author: r.author, html: r.html }))
}
