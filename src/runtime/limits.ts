// Fixed-window rate limits kept in PocketBase's app store, which every VM shares.
// Values are plain strings: goja objects must never cross VMs.
import { HttpError } from './context'

export interface Limit {
  name: string
  max: number
  windowSeconds: number
}

// HEARTH_LIMIT_<NAME>="max/seconds" lets an operator (or a benchmark) change a limit.
function configured(limit: Limit): Limit {
  const raw = process.env[`HEARTH_LIMIT_${limit.name.toUpperCase()}`]
  const m = raw && /^(\d+)\/(\d+)$/.exec(raw)
  return m ? { ...limit, max: Number(m[1]), windowSeconds: Number(m[2]) } : limit
}

export const LIMITS = {
  failedLogins: { name: 'failed_logins', max: 10, windowSeconds: 600 },
  signups: { name: 'signups', max: 10, windowSeconds: 3600 },
  posts: { name: 'posts', max: 30, windowSeconds: 60 },
} satisfies Record<string, Limit>

function read(key: string, now: number): { count: number; resetAt: number } {
  const raw = $app.store().get(key)
  if (typeof raw === 'string') {
    const [count, resetAt] = raw.split('|').map(Number)
    if (resetAt > now) return { count, resetAt }
  }
  return { count: 0, resetAt: 0 }
}

/** isLimited tells whether who has used up the limit, without counting this request. */
export function isLimited(base: Limit, who: string): boolean {
  const limit = configured(base)
  return read(`limit:${limit.name}:${who}`, Date.now()).count >= limit.max
}

/** count records one use of the limit by who. */
export function count(base: Limit, who: string): void {
  const limit = configured(base)
  const now = Date.now()
  const key = `limit:${limit.name}:${who}`
  const current = read(key, now)
  const resetAt = current.resetAt || now + limit.windowSeconds * 1000
  $app.store().set(key, `${current.count + 1}|${resetAt}`)
}

/** guard throws a 429 when who is over the limit, and counts this use otherwise. */
export function guard(limit: Limit, who: string, message: string): void {
  if (isLimited(limit, who)) throw new HttpError(429, message)
  count(limit, who)
}
