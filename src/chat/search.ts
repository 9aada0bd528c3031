// Search: full-text search over the messages a person may read now, newest first, with the
// matching words marked. The index (pb_migrations/1764000700_message_search.js) is SQLite's FTS5,
// kept in step with every write by triggers.
import type { User } from '../accounts/session'
import { HttpError } from '../runtime/context'

export const RESULTS_PER_PAGE = 20
/** Words searched at most; the rest of a longer query is left out (and the page says so). */
export const MAX_WORDS = 8

// What separates words: spaces, ASCII punctuation and symbols (quotes, stars, parentheses: FTS5's
// syntax), and Unicode's general and CJK punctuation. Anything else left inside a quoted word is
// split again by FTS5's own tokenizer. (goja's regular expressions have no \p{L}.)
const SEPARATORS = /[\s\u0000-\u001f\u007f!-/:-@[-`{-~\u00a0-\u00bf\u2000-\u206f\u3000-\u303f\uff01-\uff0f]+/
const START = '\u0001'
const END = '\u0002'

/** Query is what a person typed, as the index is asked: only words, so any text is safe. */
export interface Query {
  /** the FTS5 expression: each word quoted (operators, quotes and stars are never syntax) */
  match: string
  words: string[]
  /** words beyond MAX_WORDS were left out */
  cut: boolean
}

/** queryOf turns any text into a search of its words (all of them must match), or null if it has none. */
export function queryOf(text: string): Query | null {
  const all = String(text || '').normalize('NFKC').split(SEPARATORS).filter(Boolean)
  if (!all.length) return null
  const words = all.slice(0, MAX_WORDS)
  return { match: words.map((w) => `"${w}"`).join(' '), words, cut: all.length > MAX_WORDS }
}

/** Result is one message found, as the results page lists it. */
export interface Result {
  id: string
  number: number
  created: string
  room: { slug: string; name: string; kind: string }
  author: { id: string; name: string; username: string }
  /** the message's words around the match: text, with the matching words in <mark> (escaped here) */
  snippetHtml: string
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** markedHtml escapes a snippet and turns FTS5's start and end markers into <mark>. */
export function markedHtml(snippet: string): string {
  const escaped = snippet.replace(/[&<>"']/g, (c) => ESCAPES[c])
  return escaped.split(START).join('<mark>').split(END).join('</mark>')
}

/**
 * search returns a page of the messages the user may read now that contain every word, newest
 * first, before the cursor (the index's key of the last result of the page before). Who may read
 * what is policy.mayRead, in SQL: public rooms, and the rooms the user belongs to. A message the
 * community hid is found by nobody, its room's owner included (who reads it on the moderation
 * page): a snippet would otherwise show its text to every reader.
 */
export function search(user: User, query: Query, before?: number): { results: Result[]; next: number | null } {
  const rows = arrayOf(new DynamicModel({
    key: 0, id: '', number: 0, created: '', slug: '', roomName: '', kind: '',
    authorId: '', authorName: '', authorUsername: '', snippet: '',
  }))
  const sql = $app.db().newQuery(`
    SELECT message_search_fts.rowid AS key, m.id AS id, m.number AS number, m.created AS created,
           r.slug AS slug, r.name AS roomName, r.kind AS kind,
           m.author AS authorId, COALESCE(u.name, '') AS authorName, COALESCE(u.username, '') AS authorUsername,
           snippet(message_search_fts, 0, char(1), char(2), '…', 24) AS snippet
      FROM message_search_fts
      JOIN message_search s ON s.id = message_search_fts.rowid
      JOIN messages m ON m.id = s.message
      JOIN rooms r ON r.id = m.room
      LEFT JOIN users u ON u.id = m.author
     WHERE message_search_fts MATCH {:match}
       AND message_search_fts.rowid < {:before}
       AND (r.kind = 'public' OR EXISTS (SELECT 1 FROM memberships ms WHERE ms.room = r.id AND ms.user = {:user}))
       AND m.moderation != 'hidden'
     ORDER BY message_search_fts.rowid DESC
     LIMIT {:limit}`)
    .bind({ match: query.match, before: before || Number.MAX_SAFE_INTEGER, user: user.id, limit: RESULTS_PER_PAGE + 1 })
  try {
    sql.all(rows)
  } catch (err) {
    // queryOf leaves FTS5 nothing to misread; should a query still be refused, it is the query's fault
    if (/fts5/i.test(String(err))) throw new HttpError(400, 'Hearth could not search for that. Try other words.')
    throw err
  }
  const page = rows.slice(0, RESULTS_PER_PAGE)
  const results = page.map((r: any) => ({
    id: r.id,
    number: r.number,
    created: String(r.created).replace(' ', 'T'),
    room: { slug: r.slug, name: r.roomName, kind: r.kind },
    author: { id: r.authorId, name: r.authorName || r.authorUsername || 'Someone who left', username: r.authorUsername },
    snippetHtml: markedHtml(r.snippet),
  }))
  return { results, next: rows.length > RESULTS_PER_PAGE ? page[page.length - 1].key : null }
}
