// Messages: a room's history, posting, editing and deleting.
import { HttpError } from '../runtime/context'
import { findOrNull } from '../runtime/records'
import { LIMITS, guard, refund } from '../runtime/limits'
import type { User } from '../accounts/session'
import type { Errors } from '../runtime/forms'
import { renderBody } from './format'
import { fragmentsOf, prerender, numbered, CACHE_COLUMNS } from './fragments'
import { standingIn, mayPost, mayEdit, mayDelete, readersNamed, type Standing } from './policy'
import { nextMessageNumber } from '../realtime/history'
import type { Reaction } from './reactions'
import { isHidden, hiddenAlready } from './moderation'
import { refusedAsGone } from './members'
import * as settings from '../site/settings'

export const PAGE_SIZE = 50

/**
 * bodyMax is the longest a message body may be: the site's setting, at most the max of the
 * messages collection's body field (pb_migrations), which PocketBase's API enforces too. Pages,
 * forms and hooks all read it here.
 */
export function bodyMax(app: any = $app, record?: any): number {
  const ceiling = bodyCeiling(app)
  const set = settings.current(app, record).messageMax
  return set > 0 && set < ceiling ? set : ceiling
}

/** bodyCeiling is the messages collection's body max: no setting goes beyond it. */
export function bodyCeiling(app: any = $app): number {
  return app.findCachedCollectionByNameOrId('messages').fields.getByName('body').max
}

export interface Author {
  id: string
  username: string
  name: string
  /** their picture's file name, '' for their initials */
  picture: string
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
  /** the ids of the people it mentions (decided when it was saved) */
  mentions: string[]
}

function isoDate(dt: any): string {
  return String(dt.string()).replace(' ', 'T')
}

/** SomeoneWhoLeft stands for the author of a message whose account is gone. */
const SOMEONE_WHO_LEFT: Author = { id: '', username: '', name: 'Someone who left', picture: '' }

export function messageOf(record: any, author: Author | null): Message {
  return {
    id: record.id,
    number: record.getInt('number'),
    roomId: record.getString('room'),
    body: record.getString('body'),
    html: record.getString('html'),
    fragment: record.getString('fragment'),
    created: isoDate(record.getDateTime('created')),
    edited: record.getBool('edited'),
    mentions: Array.from(record.getStringSlice('mentions') || [], String),
    hidden: record.getString('moderation') === 'hidden',
    reactions: [],
    author: author || SOMEONE_WHO_LEFT,
  }
}

/** StoredAuthor is an author as a fragment shows them, and when their account last changed. */
export interface StoredAuthor extends Author {
  updated: string
}

/** findAuthor reads what a message shows of its author in one light query; null when they left. */
export function findAuthor(app: any, id: string): StoredAuthor | null {
  const row = new DynamicModel({ id: '', username: '', name: '', avatar: '', updated: '' })
  try {
    app.db().newQuery('SELECT id, username, name, avatar, updated FROM users WHERE id = {:id}').bind({ id }).one(row)
  } catch {
    return null
  }
  return { id: row.id, username: row.username, name: row.name || row.username, picture: row.avatar, updated: row.updated }
}

/**
 * bodyOf is a message body as it is counted and stored: trimmed, each line break one LF. Browsers
 * send a textarea's line breaks as CRLF, while the composer's counter (pb_public/hearth-composer.js)
 * counts them as one, as the textarea's value has them: 3,999 characters on 100 lines arrived as 4,098.
 */
export function bodyOf(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim()
}

/** bodyError checks a message body (bodyOf). */
export function bodyError(body: string, max = bodyMax()): string | null {
  if (!body) return 'Write something first.'
  if (body.length > max) return `Messages can be at most ${max} characters; this one has ${body.length}.`
  return null
}

/** The refusal of a body whose formatting outgrows what a message stores (FormattedTooLong). */
export const FORMATTED_TOO_LONG = 'This message is too long once formatted: a link used many times counts each time. Shorten it, then send again.'

// A body within the limit can still render to more than the html and fragment fields hold: a
// reference link ("[a]: <long URL>", then "[a] [a] …") repeats its URL at every use.
function formattedTooLong(app: any, record: any): boolean {
  const fields = app.findCachedCollectionByNameOrId('messages').fields
  return record.getString('html').length > fields.getByName('html').max ||
    record.getString('fragment').length > fields.getByName('fragment').max
}

/** refusedAsFormattedTooLong tells whether a save failed with FORMATTED_TOO_LONG (thrown by prepareMessage in its hook). */
function refusedAsFormattedTooLong(err: unknown): boolean {
  return String(err).includes(FORMATTED_TOO_LONG)
}

/**
 * prepareMessage runs on every save, from Hearth's pages or from PocketBase's API, before the
 * save's transaction: it settles the body (bodyOf), renders it, and renders the whole message's
 * fragment (whatever a client sent as one is never shown), so the transaction holds SQLite's
 * writer for SQL only. A new message has no number yet: numberMessage gives it one.
 * Its mentions are decided here too: an @name links the person only if they may read the room
 * at this moment, and stays so (a later change of membership changes no message).
 */
export function prepareMessage(app: any, record: any, isNew: boolean): void {
  const body = bodyOf(record.getString('body'))
  record.set('body', body)
  const error = bodyError(body, bodyMax(app, record))
  if (error) throw new BadRequestError(error, { body: { code: 'invalid_body', message: error } })
  const rendered = renderBody(body, (usernames) => readersNamed(app, record.getString('room'), usernames))
  record.set('html', rendered.html)
  record.set('mentions', rendered.mentions)
  if (isNew) {
    record.set('edited', false)
    record.set('number', 0)
    // a new message is not moderated, whatever a client sent (a "restored" one could not be hidden)
    record.set('moderation', '')
  }
  prerender(app, record)
  if (formattedTooLong(app, record)) throw new BadRequestError(FORMATTED_TOO_LONG, { body: { code: 'invalid_body', message: FORMATTED_TOO_LONG } })
}

/**
 * numberMessage gives a new message the next number in its room, inside the save's transaction,
 * and writes it into the fragment rendered before.
 */
export function numberMessage(tx: any, record: any): void {
  const number = nextMessageNumber(tx, record.getString('room'))
  record.set('number', number)
  record.set('fragment', numbered(record.getString('fragment'), number))
}


/**
 * Listed is a message as a page lists it: its id, number and current fragment, and who posted it
 * when (author id, '' once their account is gone), which the page groups messages by.
 */
export type Listed = Pick<Message, 'id' | 'number' | 'fragment' | 'created'> & { author: string }

/**
 * history returns up to PAGE_SIZE messages before a message number (newest when none), oldest
 * first, as their cached fragments (one light query; a stale fragment is rendered again once).
 */
export function history(roomId: string, before?: number): { messages: Listed[]; olderCursor: number | null } {
  const where = before ? 'm.number < {:at} ORDER BY m.number DESC' : 'm.number > {:at} ORDER BY m.number DESC'
  const { messages, more } = pageOf(roomId, where, before || 0, PAGE_SIZE)
  messages.reverse()
  return { messages, olderCursor: more && messages.length ? messages[0].number : null }
}

/**
 * around returns the stretch of history around a message number (the search results link there):
 * up to half a page before it, the message itself and what follows, oldest first.
 */
export function around(roomId: string, at: number): { messages: Listed[]; olderCursor: number | null } {
  const half = Math.floor(PAGE_SIZE / 2)
  const { messages: after } = pageOf(roomId, 'm.number >= {:at} ORDER BY m.number ASC', at, PAGE_SIZE - half)
  const { messages: upTo, more } = pageOf(roomId, 'm.number < {:at} ORDER BY m.number DESC', at, half)
  const messages = upTo.reverse().concat(after)
  return { messages, olderCursor: more && messages.length ? messages[0].number : null }
}

function pageOf(roomId: string, where: string, at: number, limit: number): { messages: Listed[]; more: boolean } {
  const rows = arrayOf(new DynamicModel({ id: '', number: 0, author: '', created: '', fragment: '', fragmentKey: '', updated: '', authorUpdated: '' }))
  $app.db()
    .newQuery(`SELECT m.number AS number, COALESCE(u.id, '') AS author, m.created AS created, ${CACHE_COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.author
      WHERE m.room = {:room} AND ${where} LIMIT {:limit}`)
    .bind({ room: roomId, at, limit: limit + 1 })
    .all(rows)
  const page = rows.slice(0, limit)
  const fragments = fragmentsOf(page)
  const messages = page.map((r: any) => ({
    id: r.id, number: r.number, author: r.author, created: String(r.created).replace(' ', 'T'), fragment: fragments.get(r.id) || '',
  }))
  return { messages, more: rows.length > limit }
}

/** gone is the answer about a message that is not (or no longer) in the room. */
export const gone = (): HttpError => new HttpError(404, 'That message is not in this room (it may have been deleted).')

export function findMessage(roomId: string, id: string): any {
  const record = findOrNull($app, 'messages', id)
  if (record && record.getString('room') === roomId) return record
  throw gone()
}

export function loadMessage(record: any): Message {
  return messageOf(record, findAuthor($app, record.getString('author')))
}

/**
 * sentWith finds the author's message stored with this key (sentKey), if any.
 * note: plain SQL, because PocketBase's filter turns `nonce != ''` into `nonce IS NOT ''`, which
 * SQLite does not match to the partial index's `WHERE nonce != ''`: the filter scanned the table.
 */
function sentWith(authorId: string, key: string): any {
  const row = new DynamicModel({ id: '' })
  try {
    $app.db().newQuery("SELECT id FROM messages WHERE author = {:author} AND nonce = {:key} AND nonce != '' LIMIT 1")
      .bind({ author: authorId, key }).one(row)
  } catch {
    return null
  }
  return findOrNull($app, 'messages', row.id)
}

/**
 * sentKey is what a message stores in its nonce field: the form's one-time token together with the
 * room and the body, so that only the same post sent again finds the first. The token alone made a
 * composer that kept its token (the answer to a send was lost; the person changed the text and sent
 * again) get the first message back and drop the new text, and took a token used in one room to
 * another room's message. Hashed to fit the field and keep the unique index small; '' without a token.
 */
function sentKey(nonce: string, roomId: string, body: string): string {
  return nonce ? $security.sha256(`${nonce}\n${roomId}\n${body}`) : ''
}

/**
 * post adds a message to a room where the user has that standing. The form's one-time token
 * (nonce) makes a double submit or a retry land once: the same body sent again to the same room
 * with it finds the first message and returns it. A new message comes with its fragment; one found
 * again is rendered by the page.
 */
export function post(user: User, roomId: string, standing: Standing, form: Record<string, string>): { message?: Message; errors?: Errors } {
  if (!mayPost(standing)) throw new HttpError(403, 'Join this room to post in it.')
  const body = bodyOf(form.body || '')
  const error = bodyError(body)
  if (error) return { errors: { body: error } }
  const key = sentKey((form.nonce || '').slice(0, 64), roomId, body)
  if (key) {
    const earlier = sentWith(user.id, key)
    if (earlier) return { message: foundAgain(earlier) }
  }
  guard(LIMITS.posts, user.id, 'You are posting too fast. Wait a moment, then send again.', 'body')
  const record = new Record($app.findCachedCollectionByNameOrId('messages'))
  record.set('room', roomId)
  record.set('author', user.id)
  record.set('body', body)
  record.set('nonce', key)
  settings.carry(record)
  try {
    $app.save(record)
  } catch (err) {
    // the same post sent twice at once: the unique (author, nonce) index let only one through
    refund(LIMITS.posts, user.id) // nothing new was posted
    if (refusedAsFormattedTooLong(err)) return { errors: { body: FORMATTED_TOO_LONG } }
    // removed from the room (or the account deleted) after the request checked: nothing posted
    if (refusedAsGone(err)) throw new HttpError(403, 'You are not a member of this room any more.')
    const earlier = key ? sentWith(user.id, key) : null
    if (earlier) return { message: foundAgain(earlier) }
    throw err
  }
  return { message: messageOf(record, { id: user.id, username: user.username, name: user.name, picture: user.picture }) }
}

// A message found by its one-time token: its stored fragment may be stale, so the page renders it.
function foundAgain(record: any): Message {
  return { ...loadMessage(record), fragment: '' }
}

/** edit changes the body of one's own message and marks it edited. */
export function edit(user: User, record: any, form: Record<string, string>): { message?: Message; errors?: Errors } {
  if (isHidden(record)) throw hiddenAlready()
  if (!canEdit(user, record)) throw new HttpError(403, 'You can only edit your own messages.')
  const body = bodyOf(form.body || '')
  const error = bodyError(body)
  if (error) return { errors: { body: error } }
  guard(LIMITS.edits, user.id, 'You are editing too fast. Wait a moment, then save again.', 'body')
  if (body !== record.getString('body')) {
    record.set('body', body)
    record.set('edited', true)
    settings.carry(record)
    try {
      $app.save(record)
    } catch (err) {
      if (refusedAsFormattedTooLong(err)) {
        refund(LIMITS.edits, user.id)
        return { errors: { body: FORMATTED_TOO_LONG } }
      }
      // deleted or hidden meanwhile (requireCurrent refused the save): nothing was edited
      const now = findOrNull($app, 'messages', record.id)
      if (now && !isHidden(now)) throw err
      refund(LIMITS.edits, user.id)
      throw now ? hiddenAlready() : gone()
    }
  }
  return { message: loadMessage(record) }
}

/**
 * requireCurrent runs in a message's update transaction, before the write, and refuses a save made
 * from a copy read before another request deleted the message or changed its moderation: a deleted
 * one would update no row, yet its event would show it again in every open tab and blank the event
 * of its removal; a copy from before it was hidden would write its old moderation back, and so
 * show it again, unlogged.
 */
export function requireCurrent(tx: any, record: any): void {
  const row = new DynamicModel({ moderation: '' })
  try {
    tx.db().newQuery('SELECT moderation FROM messages WHERE id = {:id}').bind({ id: record.id }).one(row)
  } catch {
    throw new Error(`the message ${record.id} was deleted`)
  }
  if (row.moderation !== record.original().getString('moderation')) throw new Error(`the message ${record.id} was moderated meanwhile`)
}

function standingFor(user: User, record: any) {
  return standingIn($app.findRecordById('rooms', record.getString('room')), user.id)
}

/** canEdit: see mayEdit in policy.ts; a message the community hid is not shown, even to its author, so not edited either. */
export function canEdit(user: User, record: any): boolean {
  return !isHidden(record) && mayEdit(standingFor(user, record), record.getString('author'))
}

/** canEditUnlessHidden is canEdit, but a hidden message is refused as hidden (409), not as someone else's. */
export function canEditUnlessHidden(user: User, record: any): boolean {
  if (isHidden(record)) throw hiddenAlready()
  return canEdit(user, record)
}

/** canDelete: see mayDelete in policy.ts. */
export function canDelete(user: User, record: any): boolean {
  return mayDelete(standingFor(user, record), record.getString('author'))
}

export function remove(user: User, record: any): void {
  if (!canDelete(user, record)) throw new HttpError(403, 'You can only delete your own messages.')
  $app.delete(record)
}
