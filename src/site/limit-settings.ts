// The rate limits an admin may set on /admin/settings, each as "uses/seconds" in its own field of
// the settings row. The names are the limits' own (src/runtime/limits.ts, and realtime_subscribes
// in src/server/main.go); empty means the environment's HEARTH_LIMIT_<NAME>, else Hearth's own.

export interface LimitSetting {
  /** the limit's name, as the limiter knows it */
  name: string
  /** the settings field (and form field) */
  field: string
  label: string
}

const fieldOf = (name: string) => 'limit' + name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())

export const LIMIT_SETTINGS: LimitSetting[] = [
  ['posts', 'Messages per person'],
  ['edits', 'Message edits per person'],
  ['reactions', 'Reactions given or taken back per person'],
  ['pictures', 'Profile pictures set or taken away per person'],
  ['signups', 'Sign-ups per network'],
  ['failed_logins', 'Failed log-ins per network, and wrong current passwords per account'],
  ['memberships', 'Joining and leaving rooms per person'],
  ['rooms', 'Rooms created per person'],
  ['conversations', 'Direct conversations started per person'],
  ['typing', '"Is typing" signals per person'],
  ['subscriptions', 'Live room subscriptions per person'],
  ['realtime_subscribes', 'Subscribe calls to PocketBase\'s realtime API per network'],
].map(([name, label]) => ({ name, field: fieldOf(name), label }))

const USES_PER_SECONDS = /^(\d{1,6})\/(\d{1,7})$/

/** limitError checks one typed limit (spaces ignored): null when it is empty or good. */
export function limitError(raw: string): string | null {
  const m = USES_PER_SECONDS.exec(raw)
  if (raw && (!m || Number(m[2]) === 0)) return 'Write it as uses/seconds, such as 30/60, or leave it empty for the default.'
  return null
}
