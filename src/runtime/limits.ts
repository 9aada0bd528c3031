// Rate limits: fixed windows kept by Hearth's Go limiter ($limits, src/server/limits), which every
// VM shares. Each use RESERVES its slot atomically before the work it limits (a request over the
// limit does none of it); refund() gives the slot back when the work turns out not to count, such
// as a log-in that succeeded. (Counters kept in $app.store() with a read and a later write let
// requests that arrived together all through: 281 password checks where 10 were allowed.)
import { HttpError } from './context'
import { limitSetting } from './app'

export interface Limit {
  name: string
  max: number
  windowSeconds: number
}

/**
 * LimitError is a 429. With a field, a form page is shown again with what was typed and the
 * message next to that field (see serve.ts, and src/web/pages.ts for forms whose page needs data); without one, the error page says "Slow down".
 */
export class LimitError extends HttpError {
  constructor(message: string, public field?: string) {
    super(429, message)
  }
}

// HEARTH_LIMIT_<NAME>="max/seconds" lets an operator (or a benchmark) change a limit; the site's
// settings (an admin's, read once per request) win over it.
function configured(limit: Limit): Limit {
  return parsed(limitSetting(limit.name), parsed(process.env[`HEARTH_LIMIT_${limit.name.toUpperCase()}`], limit))
}

function parsed(raw: string | undefined, otherwise: Limit): Limit {
  const m = raw && /^(\d+)\/(\d+)$/.exec(raw)
  return m && Number(m[2]) > 0 ? { ...otherwise, max: Number(m[1]), windowSeconds: Number(m[2]) } : otherwise
}

// docs/OPERATING.md lists these (tests/unit/settings.test.mjs checks it does).
export const LIMITS = {
  failedLogins: { name: 'failed_logins', max: 10, windowSeconds: 600 },
  signups: { name: 'signups', max: 10, windowSeconds: 3600 },
  posts: { name: 'posts', max: 30, windowSeconds: 60 },
  edits: { name: 'edits', max: 30, windowSeconds: 60 },
  reactions: { name: 'reactions', max: 60, windowSeconds: 60 },
  pictures: { name: 'pictures', max: 10, windowSeconds: 600 },
  memberships: { name: 'memberships', max: 20, windowSeconds: 60 },
  rooms: { name: 'rooms', max: 10, windowSeconds: 3600 },
  conversations: { name: 'conversations', max: 30, windowSeconds: 3600 },
  typing: { name: 'typing', max: 30, windowSeconds: 60 },
  subscriptions: { name: 'subscriptions', max: 60, windowSeconds: 60 },
  // taken in Go, by PocketBase's own POST /api/realtime (src/server/main.go, which has the same default)
  realtimeSubscribes: { name: 'realtime_subscribes', max: 120, windowSeconds: 60 },
} satisfies Record<string, Limit>

/** defaultOf is a limit's "uses/seconds" without the site's setting: the environment's, else Hearth's own. */
export function defaultOf(name: string): string {
  const base = Object.values(LIMITS).find((l) => l.name === name)
  if (!base) return ''
  const limit = parsed(process.env[`HEARTH_LIMIT_${name.toUpperCase()}`], base)
  return `${limit.max}/${limit.windowSeconds}`
}

/** take reserves one use of the limit by who; false when who has none left in this window. */
export function take(base: Limit, who: string): boolean {
  const limit = configured(base)
  return $limits.take(limit.name, who, limit.max, limit.windowSeconds)
}

/** refund gives back one use taken by who in the current window (the work did not count). */
export function refund(limit: Limit, who: string): void {
  $limits.refund(limit.name, who)
}

/**
 * guard reserves one use of the limit by who, or throws a LimitError (429) with the message;
 * field names the form field to show it beside.
 */
export function guard(limit: Limit, who: string, message: string, field?: string): void {
  if (!take(limit, who)) throw new LimitError(message, field)
}
