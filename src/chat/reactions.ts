// Reactions: a fixed set of emoji under each message, each person at most once per message and
// emoji (the unique index on reactions (message, user, emoji) decides, not a read before a write).
import { HttpError } from '../runtime/context'
import { LIMITS, guard, take, refund } from '../runtime/limits'
import { refusedAsDuplicate, findOrNull } from '../runtime/records'
import { asciiHtml } from '../runtime/ascii'
import type { User } from '../accounts/session'
import { standingIn, mayReact, mayDownvote } from './policy'
import { gone } from './messages'
import { isHidden, hiddenAlready } from './moderation'
import { refusedAsGone } from './members'
import * as settings from '../site/settings'

/** EMOJI is the set offered, in the order shown (the reactions collection's emoji values). */
export const EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '👀', '👎']
/** DOWNVOTE hides a message once enough members give it (see moderation.ts). */
export const DOWNVOTE = '👎'

const NAMES: Record<string, string> = {
  '👍': 'thumbs up',
  '❤️': 'heart',
  '😂': 'laughing',
  '🎉': 'party',
  '😮': 'surprised',
  '👀': 'eyes',
  '👎': 'thumbs down',
}

/** nameOf is an emoji's name for screen readers. */
export const nameOf = (emoji: string): string => NAMES[emoji] || emoji

/** Reaction is one emoji used under a message: how many gave it, and who. */
export interface Reaction {
  emoji: string
  count: number
  /** the reactors' user ids, for /me/style.css to mark mine */
  by: string[]
  names: string[]
}

/** entityOf writes an emoji as character references (src/runtime/ascii.ts says why). */
export const entityOf = (emoji: string): string => asciiHtml(emoji)

/** reactionsOf lists a message's reactions in EMOJI order, each with its reactors in the order they reacted. */
export function reactionsOf(app: any, messageId: string): Reaction[] {
  const rows = arrayOf(new DynamicModel({ emoji: '', user: '', name: '' }))
  app.db().newQuery(
    `SELECT r.emoji AS emoji, r.user AS user, COALESCE(NULLIF(u.name, ''), u.username, 'Someone who left') AS name
       FROM reactions r LEFT JOIN users u ON u.id = r.user WHERE r.message = {:id} ORDER BY r.created, r.id`,
  ).bind({ id: messageId }).all(rows)
  const byEmoji = new Map<string, Reaction>()
  for (const row of rows as any[]) {
    const r: Reaction = byEmoji.get(row.emoji) || { emoji: row.emoji, count: 0, by: [], names: [] }
    r.count++
    r.by.push(row.user)
    r.names.push(row.name)
    byEmoji.set(row.emoji, r)
  }
  return EMOJI.filter((e) => byEmoji.has(e)).map((e) => byEmoji.get(e)!)
}

/** labelOf says a reaction for screen readers and the button's title: "thumbs up, 2: Ann, Bob". */
export function labelOf(r: Reaction): string {
  return `${nameOf(r.emoji)}, ${r.count}: ${r.names.join(', ')}`
}

function mineOf(app: any, messageId: string, userId: string, emoji: string): any | null {
  try {
    return app.findFirstRecordByFilter('reactions', 'message = {:m} && user = {:u} && emoji = {:e}', { m: messageId, u: userId, e: emoji })
  } catch {
    return null
  }
}

/**
 * toggle gives the user's reaction to a message, or takes it back if they gave it. Two requests
 * at once both meant "give": the unique index lets one through and the other finds it there.
 */
export function toggle(user: User, roomRecord: any, message: any, emoji: string): void {
  if (!EMOJI.includes(emoji)) throw new HttpError(422, `Choose one of the reactions offered: ${EMOJI.join(' ')}.`)
  const standing = standingIn(roomRecord, user.id)
  if (!mayReact(standing)) throw new HttpError(403, `Join #${roomRecord.getString('slug')} to react to its messages.`)
  if (isHidden(message)) throw hiddenAlready()
  const mine = mineOf($app, message.id, user.id, emoji)
  if (!mine && emoji === DOWNVOTE && !mayDownvote(standing, message.getString('author'))) {
    throw new HttpError(403, 'You cannot downvote your own message.')
  }
  guard(LIMITS.reactions, user.id, 'You are reacting too fast. Wait a moment, then try again.')
  if (mine) {
    try {
      $app.delete(mine)
    } catch (err) {
      // taken back twice at once: gone either way (given again meanwhile, it is another record)
      if (findOrNull($app, 'reactions', mine.id)) throw err
    }
    return
  }
  const record = new Record($app.findCachedCollectionByNameOrId('reactions'))
  record.set('message', message.id)
  record.set('room', roomRecord.id)
  record.set('user', user.id)
  record.set('emoji', emoji)
  settings.carry(record)
  try {
    $app.save(record)
  } catch (err) {
    // deleted meanwhile (its relation no longer validates, or reactionChanged refused an orphan):
    // the same 404 as a reaction to a message deleted before
    if (!findOrNull($app, 'messages', message.id)) {
      refund(LIMITS.reactions, user.id)
      throw gone()
    }
    // removed from the room (or the account deleted) after the request checked: nothing given
    if (refusedAsGone(err)) {
      refund(LIMITS.reactions, user.id)
      throw new HttpError(403, 'You are not a member of this room any more.')
    }
    // the same reaction given twice at once counts once: the unique index refused this one
    if (!refusedAsDuplicate(err) && !mineOf($app, message.id, user.id, emoji)) throw err
    refund(LIMITS.reactions, user.id)
  }
}

/** takeFromApi reserves a reaction through PocketBase's REST API against the same per-user limit. */
export function takeFromApi(e: any): void {
  const who = e.auth ? e.auth.id : ''
  if (who && !take(LIMITS.reactions, who)) throw new TooManyRequestsError('You are reacting too fast. Wait a moment, then try again.')
}
