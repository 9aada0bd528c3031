// A message's fragment (the _private/message.ejs partial, as every reader sees it) is a render
// cache. It is stored with the key of what made it: the partials' digest, the message's last
// change (a reaction or a hide counts as one: see broadcasts.ts) and the last change of the
// people it names, its author and its reactors (a new display name shows on old messages). A
// fragment whose key no longer matches is rendered again once, on the next read, and written
// back. The fragment does not depend on the room: its links name the room's id, which never changes.
import { renderPartial, partialsDigest } from '../runtime/partials'
import { asciiHtml } from '../runtime/ascii'
import { messageOf, findAuthor } from './messages'
import { fragmentKey, isFresh } from './fragment-key'
import { eventsAfter, type CatchUp } from '../realtime/history'
import { reactionsOf } from './reactions'

/** Cached is one message as the cache stores it, with what its key is made of. */
export interface Cached {
  id: string
  fragment: string
  fragmentKey: string
  updated: string
  authorUpdated: string
}

function keyOf(updated: string, authorUpdated: string): string {
  return fragmentKey(partialsDigest(), updated, authorUpdated)
}

// The last change of the people a fragment names: its author and its reactors (a reactor's new
// display name shows in the reaction's title). Named authorUpdated for the key's third part.
const PEOPLE_UPDATED = `COALESCE(u.updated, '') || COALESCE((SELECT '|' || MAX(ru.updated) FROM reactions r JOIN users ru ON ru.id = r.user WHERE r.message = m.id), '')`

/** SELECT columns (messages m, users u) that fragmentsOf needs, for queries that list messages. */
export const CACHE_COLUMNS = `m.id AS id, m.fragment AS fragment, m.fragmentKey AS fragmentKey, m.updated AS updated, ${PEOPLE_UPDATED} AS authorUpdated`

// The part of the key for the people a stored message names besides its author: its reactors
// (PEOPLE_UPDATED in SQL, for one message). A message not saved yet has none.
function reactorsUpdated(app: any, record: any): string {
  if (record.isNew()) return ''
  const row = new DynamicModel({ updated: '' })
  app.db().newQuery(`SELECT COALESCE((SELECT '|' || MAX(ru.updated) FROM reactions r JOIN users ru ON ru.id = r.user WHERE r.message = {:id}), '') AS updated`)
    .bind({ id: record.id }).one(row)
  return row.updated
}

// Renders a message as it is in record, with the key of what made it. A hidden message's fragment
// is the placeholder alone: its text never reaches the shared copy.
function rendered(app: any, record: any): { html: string; key: string } {
  const author = findAuthor(app, record.getString('author'))
  const message = messageOf(record, author)
  // (ASCII, whatever people wrote: the pages join fifty of these, see src/runtime/ascii.ts)
  const html = asciiHtml(message.hidden
    ? renderPartial('message-hidden', { message })
    : renderPartial('message', { message: { ...message, reactions: record.isNew() ? [] : reactionsOf(app, record.id) } }))
  const people = (author ? author.updated : '') + reactorsUpdated(app, record)
  return { html, key: keyOf(String(record.getDateTime('updated').string()), people) }
}

/**
 * prerender renders a message that is about to be saved into the save itself (its fragment and
 * key), before the save's transaction: its last change is now, set here so the key names it.
 */
export function prerender(app: any, record: any): void {
  const now = new DateTime()
  // setRaw: PocketBase's set() ignores autodate fields; a value set this way is kept by the save
  if (record.isNew()) record.setRaw('created', now)
  record.setRaw('updated', now)
  const { html, key } = rendered(app, record)
  record.set('fragment', html)
  record.set('fragmentKey', key)
}

// A new message is rendered before it has a number (0); the first data-number in its fragment is
// the message's own (only ids, which hold no quotes, come before it in _private/message.ejs).
const UNNUMBERED = 'data-number="0"'

/** numbered writes a new message's number into the fragment prerender made for it. */
export function numbered(fragment: string, number: number): string {
  return fragment.replace(UNNUMBERED, `data-number="${number}"`)
}

/** render renders a stored message's fragment again and stores it with its key. */
export function render(app: any, record: any): string {
  const { html, key } = rendered(app, record)
  // a plain UPDATE: saving the record would run the message hooks (and broadcast) again; and only
  // if the message is still the version rendered (an edit that commits meanwhile wins)
  app.db().newQuery('UPDATE messages SET fragment = {:html}, fragmentKey = {:key} WHERE id = {:id} AND updated = {:updated}')
    .bind({ html, key, id: record.id, updated: String(record.getDateTime('updated').string()) }).execute()
  return html
}

/** fragmentsOf returns the current fragment of each row, rendering (once) the stale ones. */
export function fragmentsOf(rows: Cached[]): Map<string, string> {
  const out = new Map<string, string>()
  const stale: string[] = []
  for (const row of rows) {
    if (isFresh(row.fragment, row.fragmentKey, keyOf(row.updated, row.authorUpdated))) out.set(row.id, row.fragment)
    else stale.push(row.id)
  }
  if (stale.length) for (const record of $app.findRecordsByIds('messages', stale)) out.set(record.id, render($app, record))
  return out
}

/** current is one message's fragment as it is now (rendered again if stale), or ''. */
export function current(messageId: string): string {
  const rows = arrayOf(new DynamicModel({ id: '', fragment: '', fragmentKey: '', updated: '', authorUpdated: '' }))
  $app.db().newQuery(`SELECT ${CACHE_COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.author WHERE m.id = {:id}`)
    .bind({ id: messageId }).all(rows)
  return fragmentsOf(rows).get(messageId) || ''
}

/**
 * catchUp is a room's history after a position, each message shown as it is now: an event about
 * a message that still exists carries its current fragment (a rename or a new template since the
 * event was recorded shows), the others (a removal, a member count) what they recorded.
 */
export function catchUp(app: any, roomId: string, after: number, seenId: string | null): CatchUp {
  const answer = eventsAfter(app, roomId, after, seenId)
  const subjects = answer.events.filter((e) => e.html && e.subject).map((e) => e.subject)
  if (!subjects.length) return answer
  const rows = arrayOf(new DynamicModel({ id: '', fragment: '', fragmentKey: '', updated: '', authorUpdated: '' }))
  app.db().newQuery(`SELECT ${CACHE_COLUMNS} FROM messages m LEFT JOIN users u ON u.id = m.author WHERE m.id IN ({:ids})`.replace('{:ids}', subjects.map((_, i) => `{:s${i}}`).join(',')))
    .bind(Object.fromEntries(subjects.map((id, i) => [`s${i}`, id]))).all(rows)
  const current = fragmentsOf(rows)
  for (const event of answer.events) if (event.html && current.has(event.subject)) event.html = current.get(event.subject)!
  return answer
}
