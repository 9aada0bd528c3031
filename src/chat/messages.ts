// Messages: a room's history, posting, editing and deleting.
import { HttpError } from '../runtime/context'
import { LIMITS, guard, refund } from '../runtime/limits'
import type { User } from '../accounts/session'
import type { Errors } from '../runtime/forms'
import { renderBody } from './format'
import { fragmentsOf, CACHE_COLUMNS } from './fragments'
import { standingIn, mayPost, mayEdit, mayDelete } from './policy'
import { nextMessageNumber } from '../realtime/history'
import type { Reaction } from './reactions'

export const PAGE_SIZE = 50

/**
 * bodyMax is the longest a message body may be: the max of the messages collection's body field
 * (pb_migrations), which PocketBase's API enforces too. Pages, forms and hooks all read it here.
 */
export function bodyMax(app: any = $app): number {
  return app.findCachedCollectionByNameOrId('messages').fields.getByName('body').max
}

export interface Author {
  id: string
  username: string
  name: string
}

/** Message is one message as every reader sees it (personalised later by CSS, never here). */
export interface Message {
  id: string
  /** the message's position in its room: 1, 2, 3... in the order they were posted */
  number: number
  roomId: string
  body: string
  html: string
  /** the rendered _private/message.ejs, or '' until it is rendered */
  fragment: string
  created: string
  edited: boolean
  /** hidden by the community: everyone sees a placeholder (moderation.ts) */
  hidden: boolean
  /** filled in when the fragment is rendered (fragments.ts) */
  reactions: Reaction[]
  author: Author
}

function isoDate(dt: any): string {
  return String(dt.string()).replace(' ', 'T')
}

export function messageOf(record: any, author: any): Message {
  return {
    id: record.id,
    number: record.getInt('number'),
    roomId: record.getString('room'),
    body: record.getString('body'),
    html: record.getString('html'),
    fragment: record.getString('fragment'),
    created: isoDate(record.getDateTime('created')),
    edited: record.getBool('edited'),
    hidden: record.getString('moderation') === 'hidden',
    reactions: [],
    author: author
      ? { id: author.id, username: author.getString('username'), name: author.getString('name') || author.getString('username') }
      : { id: '', username: '', name: 'Someone who left' },
  }
}

/** bodyError checks a message body after trimming. */
export function bodyError(body: string, max = bodyMax()): string | null {
  if (!body) return 'Write something first.'
  if (body.length > max) return `Messages can be at most ${max} characters; this one has ${body.length}.`
  return null
}

/**
 * prepareMessage runs on every save, from Hearth's pages or from PocketBase's API: it trims the
 * body and renders it.
 */
export function prepareMessage(app: any, record: any, isNew: boolean): void {
  const body = record.getString('body').trim()
  record.set('body', body)
  const error = bodyError(body, bodyMax(app))
  if (error) throw new BadRequestError(error, { body: { code: 'invalid_body', message: error } })
  record.set('html', renderBody(body))
  // whatever a client sent is never shown: the fragment is rendered by Hearth after the save
  record.set('fragment', '')
  if (isNew) {
    record.set('edited', false)
    // a new message is not moderated, whatever a client sent (a "restored" one could not be hidden)
    record.set('moderation', '')
  }
}

/** numberMessage gives a new message the next number in its room, inside the save's transaction. */
export function numberMessage(tx: any, record: any): void {
  record.set('number', nextMessageNumber(tx, record.getString('room')))
}


/** Listed is a message as a page lists it: its id, number and current fragment. */
export type Listed = Pick<Message, 'id' | 'number' | 'fragment'>

/**
 * history returns up to PAGE_SIZE messages before a message number (newest when none), oldest
 * first, as their cached fragments (one light query; a stale fragment is rendered again once).
 */
export function history(roomId: string, before?: number): { messages: Listed[]; olderCursor: number | null } {
  const rows = arrayOf(new DynamicModel({ id: '', number: 0, fragment: '', fragmentKey: '', updated: '', authorUpdated: '' }))
  $app.db()
    .newQuery(`SELECT m.number AS number, ${CACHE_COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.author
      WHERE m.room = {:room} ${before ? 'AND m.number < {:before}' : ''} ORDER BY m.number DESC LIMIT {:limit}`)
    .bind({ room: roomId, before: before || 0, limit: PAGE_SIZE + 1 })
    .all(rows)
  const more = rows.length > PAGE_SIZE
  const page = rows.slice(0, PAGE_SIZE).reverse()
  const fragments = fragmentsOf(page)
  const messages = page.map((r: any) => ({ id: r.id, number: r.number, fragment: fragments.get(r.id) || '' }))
  return { messages, olderCursor: more && messages.length ? messages[0].number : null }
}

export function findMessage(roomId: string, id: string): any {
  try {
    const record = $app.findRecordById('messages', id)
    if (record.getString('room') === roomId) return record
  } catch {
    // fall through
  }
  throw new HttpError(404, 'That message is not in this room (it may have been deleted).')
}

export function loadMessage(record: any): Message {
  $app.expandRecords([record], ['author'], null)
  return messageOf(record, record.expandedOne('author'))
}

/**
 * sentWith finds the author's message posted with this one-time token, if any.
 * note: plain SQL, because PocketBase's filter turns `nonce != ''` into `nonce IS NOT ''`, which
 * SQLite does not match to the partial index's `WHERE nonce != ''`: the filter scanned the table.
 */
function sentWith(authorId: string, nonce: string): any {
  const row = new DynamicModel({ id: '' })
  try {
    $app.db().newQuery("SELECT id FROM messages WHERE author = {:author} AND nonce = {:nonce} AND nonce != '' LIMIT 1")
      .bind({ author: authorId, nonce }).one(row)
  } catch {
    return null
  }
  return $app.findRecordById('messages', row.id)
}

/**
 * post adds a message. The form's one-time token (nonce) makes a double submit or a retry
 * land once: the second request finds the first message and returns it.
 */
export function post(user: User, roomRecord: any, form: Record<string, string>): { message?: Message; errors?: Errors } {
  if (!mayPost(standingIn(roomRecord, user.id))) throw new HttpError(403, 'Join this room to post in it.')
  const body = (form.body || '').trim()
  const error = bodyError(body)
  if (error) return { errors: { body: error } }
  const nonce = (form.nonce || '').slice(0, 64)
  if (nonce) {
    const earlier = sentWith(user.id, nonce)
    if (earlier) return { message: loadMessage(earlier) }
  }
  guard(LIMITS.posts, user.id, 'You are posting too fast. Wait a moment, then send again.', 'body')
  const record = new Record($app.findCachedCollectionByNameOrId('messages'))
  record.set('room', roomRecord.id)
  record.set('author', user.id)
  record.set('body', body)
  record.set('nonce', nonce)
  try {
    $app.save(record)
  } catch (err) {
    // the same form sent twice at once: the unique (author, nonce) index let only one through
    refund(LIMITS.posts, user.id) // nothing new was posted
    const earlier = nonce ? sentWith(user.id, nonce) : null
    if (earlier) return { message: loadMessage(earlier) }
    throw err
  }
  return { message: loadMessage(record) }
}

/** edit changes the body of one's own message and marks it edited. */
export function edit(user: User, record: any, form: Record<string, string>): { message?: Message; errors?: Errors } {
  if (!canEdit(user, record)) throw new HttpError(403, 'You can only edit your own messages.')
  const body = (form.body || '').trim()
  const error = bodyError(body)
  if (error) return { errors: { body: error } }
  guard(LIMITS.edits, user.id, 'You are editing too fast. Wait a moment, then save again.', 'body')
  if (body !== record.getString('body')) {
    record.set('body', body)
    record.set('edited', true)
    $app.save(record)
  }
  return { message: loadMessage(record) }
}

function standingFor(user: User, record: any) {
  return standingIn($app.findRecordById('rooms', record.getString('room')), user.id)
}

/** canEdit: see mayEdit in policy.ts; a message the community hid is not shown, even to its author, so not edited either. */
export function canEdit(user: User, record: any): boolean {
  return record.getString('moderation') !== 'hidden' && mayEdit(standingFor(user, record), record.getString('author'))
}

/** canDelete: see mayDelete in policy.ts. */
export function canDelete(user: User, record: any): boolean {
  return mayDelete(standingFor(user, record), record.getString('author'))
}

export function remove(user: User, record: any): void {
  if (!canDelete(user, record)) throw new HttpError(403, 'You can only delete your own messages.')
  $app.delete(record)
}
