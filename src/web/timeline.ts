// A room's messages as the page lists them: each message's shared fragment, a day's heading
// before the first message of each day, and consecutive messages from one person marked as
// continued, so the author's name and avatar show once per group. The fragments stay the same for
// everyone (they are cached and pushed live as they are): the marks are added here, when the page
// joins them, and pb_public/hearth-room.js keeps them right as messages come, change and go.
// Days are UTC days here; the script regroups them by the reader's own time zone.
import type { Listed } from '../chat/messages'
import { utcDayLabel } from './labels'

/** A message follows the one before it in a group when its author posted that recently. */
export const GROUP_WINDOW_MS = 5 * 60 * 1000

export type Entry = { day: string; label: string } | { unread: true } | { html: string }

/** continued marks a message fragment as continuing the group above it (on its <li>). */
export function continued(fragment: string): string {
  return fragment.replace(/^(\s*<li\b[^>]*)>/, '$1 data-continued>')
}

/** follows tells whether a message continues the previous one's group (same person, same day, soon after). */
export function follows(previous: Listed | null, message: Listed): boolean {
  if (!previous || !message.author || previous.author !== message.author) return false
  if (previous.created.slice(0, 10) !== message.created.slice(0, 10)) return false
  const gap = Date.parse(message.created) - Date.parse(previous.created)
  return gap >= 0 && gap <= GROUP_WINDOW_MS
}

/**
 * timelineOf lists the page's entries in order: day headings, the "New messages" line before the
 * message numbered firstUnread (which starts a group of its own), and the messages' (marked) fragments.
 */
export function timelineOf(messages: Listed[], firstUnread = 0): Entry[] {
  const entries: Entry[] = []
  let previous: Listed | null = null
  for (const message of messages) {
    const day = message.created.slice(0, 10)
    if (!previous || previous.created.slice(0, 10) !== day) entries.push({ day, label: utcDayLabel(message.created) })
    const unread = firstUnread > 0 && message.number === firstUnread
    if (unread) entries.push({ unread: true })
    entries.push({ html: !unread && follows(previous, message) ? continued(message.fragment) : message.fragment })
    previous = message
  }
  return entries
}
