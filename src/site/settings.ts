// The site's settings: one row of the settings collection, changed by admins on /admin/settings
// and read at each use, so a change applies at once without a restart. An empty field is the
// environment's default (HEARTH_HIDE_AT, HEARTH_LIMIT_*), else Hearth's own.
import type { Errors } from '../runtime/forms'

export type Registration = 'open' | 'closed' | 'invite'

export interface Settings {
  siteName: string
  registration: Registration
  /** 0: the default */
  hideAt: number
  /** 0: the messages collection's body max */
  messageMax: number
  /** "max/seconds", or '' for the default */
  limitPosts: string
  limitSignups: string
}

const FIELDS = { siteName: '', registration: '', hideAt: 0, messageMax: 0, limitPosts: '', limitSignups: '' }
export const SITE_NAME = 'Hearth'
const LIMIT = /^(\d{1,6})\/(\d{1,7})$/

/** current reads the settings row (one indexed query); without one, every default. */
export function current(app: any = $app): Settings {
  const row = new DynamicModel({ ...FIELDS })
  try {
    app.db().newQuery('SELECT siteName, registration, hideAt, messageMax, limitPosts, limitSignups FROM settings LIMIT 1').one(row)
  } catch {
    // no row (an operator deleted it): the defaults
  }
  return {
    siteName: row.siteName,
    registration: (row.registration || 'open') as Registration,
    hideAt: row.hideAt,
    messageMax: row.messageMax,
    limitPosts: row.limitPosts,
    limitSignups: row.limitSignups,
  }
}

/** siteName is what the layout calls the site. */
export const siteName = (): string => current().siteName || SITE_NAME

/** limitSetting is a rate limit's "max/seconds" from the settings, '' when it has none. */
export function limitSetting(name: string): string {
  const s = current()
  return name === 'posts' ? s.limitPosts : name === 'signups' ? s.limitSignups : ''
}

/**
 * save checks the settings form and stores it; bodyCeiling is the messages collection's body max,
 * which no setting may exceed (PocketBase's API enforces it for every client).
 */
export function save(form: Record<string, string>, bodyCeiling: number): { errors?: Errors } {
  const errors: Errors = {}
  const siteName = (form.siteName || '').trim()
  if (siteName.length > 60) errors.siteName = `Keep the site name to 60 characters; this one has ${siteName.length}.`
  const registration = form.registration || ''
  if (!['open', 'closed', 'invite'].includes(registration)) errors.registration = 'Choose open, closed or by invite.'
  const hideAt = wholeNumber(form.hideAt, 1, 1000)
  if (hideAt === null) errors.hideAt = 'Use a whole number from 1 to 1000, or leave it empty for the default.'
  const messageMax = wholeNumber(form.messageMax, 1, bodyCeiling)
  if (messageMax === null) errors.messageMax = `Use a whole number from 1 to ${bodyCeiling}, or leave it empty for the default.`
  const limits: Record<string, string> = {}
  for (const field of ['limitPosts', 'limitSignups']) {
    const raw = (form[field] || '').replace(/\s+/g, '')
    const m = LIMIT.exec(raw)
    if (raw && (!m || Number(m[2]) === 0)) errors[field] = 'Write it as uses/seconds, such as 30/60, or leave it empty for the default.'
    limits[field] = raw
  }
  if (Object.keys(errors).length) return { errors }
  const row = $app.findFirstRecordByFilter('settings', 'id != ""')
  row.set('siteName', siteName)
  row.set('registration', registration)
  row.set('hideAt', hideAt)
  row.set('messageMax', messageMax)
  row.set('limitPosts', limits.limitPosts)
  row.set('limitSignups', limits.limitSignups)
  $app.save(row)
  return {}
}

// '' is 0 (the default); anything else must be a whole number in [min, max]
function wholeNumber(raw: string | undefined, min: number, max: number): number | null {
  const text = (raw || '').trim()
  if (!text) return 0
  if (!/^\d{1,9}$/.test(text)) return null
  const n = Number(text)
  return n >= min && n <= max ? n : null
}
