// The site's settings: one row of the settings collection, changed by admins on /admin/settings
// and read once per request (or carried by a record to its hooks), so a change applies at the
// next request without a restart. An empty field is the environment's default (HEARTH_HIDE_AT,
// HEARTH_LIMIT_*), else Hearth's own.
import type { Errors } from '../runtime/forms'
import { once, forget } from '../runtime/request-memo'
import { LIMIT_SETTINGS, limitError } from './limit-settings'

export type Registration = 'open' | 'closed' | 'invite'

export interface Settings {
  siteName: string
  registration: Registration
  /** 0: the default */
  hideAt: number
  /** 0: the messages collection's body max */
  messageMax: number
  /** the largest upload, in KB; 0: HEARTH_UPLOAD_MAX, else 1024 */
  uploadMax: number
  /** "uses/seconds" by limit name (src/site/limit-settings.ts), '' for the default */
  limits: Record<string, string>
}

export const SITE_NAME = 'Hearth'
const MEMO = 'settings'
/** CARRIED is the record field (never stored) that takes a request's settings to its record hooks. */
const CARRIED = 'hearthSettings'

function load(app: any): Settings {
  const fields: Record<string, string | number> = { siteName: '', registration: '', hideAt: 0, messageMax: 0, uploadMax: 0 }
  for (const l of LIMIT_SETTINGS) fields[l.field] = ''
  const row = new DynamicModel(fields)
  try {
    app.db().newQuery(`SELECT ${Object.keys(fields).join(', ')} FROM settings LIMIT 1`).one(row)
  } catch (err) {
    // no row (an operator deleted it): the defaults; any other failure must not read as them
    // (closed or invite-only sign-ups would open)
    if (!/no rows/.test(String(err))) throw err
  }
  return {
    siteName: row.siteName,
    registration: (row.registration || 'open') as Registration,
    hideAt: row.hideAt,
    messageMax: row.messageMax,
    uploadMax: row.uploadMax,
    limits: Object.fromEntries(LIMIT_SETTINGS.map((l) => [l.name, row[l.field] as string])),
  }
}

/**
 * current is the settings row: read once per page request; a record saved by that request brings
 * them to its hooks (see carry); else read now, through app (a transaction's when given one).
 */
export function current(app: any = $app, record?: any): Settings {
  const carried = record?.get(CARRIED)
  if (carried) return JSON.parse(carried)
  return app === $app ? once(MEMO, () => load(app)) : load(app)
}

/**
 * carry gives a record about to be saved this request's settings: its hooks run in other JS
 * runtimes and would read the row again.
 */
export function carry(record: any): void {
  record.set(CARRIED, JSON.stringify(current()))
}

/** siteName is what the layout calls the site. */
export const siteName = (): string => current().siteName || SITE_NAME

/** limitSetting is a rate limit's "uses/seconds" from the settings, '' when it has none. */
export const limitSetting = (name: string): string => current().limits[name] || ''

/** formValues is the settings as the form shows them (an empty field for a default). */
export function formValues(s: Settings): Record<string, string> {
  const values: Record<string, string> = {
    siteName: s.siteName, registration: s.registration, hideAt: s.hideAt ? String(s.hideAt) : '', messageMax: s.messageMax ? String(s.messageMax) : '',
    uploadMax: s.uploadMax ? String(s.uploadMax) : '',
  }
  for (const l of LIMIT_SETTINGS) values[l.field] = s.limits[l.name] || ''
  return values
}

/**
 * save checks the settings form and stores it. No setting may exceed what the collections enforce
 * for every client: bodyCeiling is the messages' body max, uploadCeiling (KB) users.avatar's maxSize.
 */
export function save(form: Record<string, string>, bodyCeiling: number, uploadCeiling: number): { errors?: Errors } {
  const errors: Errors = {}
  const siteName = (form.siteName || '').trim()
  if (siteName.length > 60) errors.siteName = `Keep the site name to 60 characters; this one has ${siteName.length}.`
  const registration = form.registration || ''
  if (!['open', 'closed', 'invite'].includes(registration)) errors.registration = 'Choose open, closed or by invite.'
  const hideAt = wholeNumber(form.hideAt, 1, 1000)
  if (hideAt === null) errors.hideAt = 'Use a whole number from 1 to 1000, or leave it empty for the default.'
  const messageMax = wholeNumber(form.messageMax, 1, bodyCeiling)
  if (messageMax === null) errors.messageMax = `Use a whole number from 1 to ${bodyCeiling}, or leave it empty for the default.`
  const uploadMax = wholeNumber(form.uploadMax, 1, uploadCeiling)
  if (uploadMax === null) errors.uploadMax = `Use a whole number of KB from 1 to ${uploadCeiling}, or leave it empty for the default.`
  const limits: Record<string, string> = {}
  for (const { field } of LIMIT_SETTINGS) {
    limits[field] = (form[field] || '').replace(/\s+/g, '')
    const error = limitError(limits[field])
    if (error) errors[field] = error
  }
  if (Object.keys(errors).length) return { errors }
  const row = $app.findFirstRecordByFilter('settings', 'id != ""')
  row.set('siteName', siteName)
  row.set('registration', registration)
  row.set('hideAt', hideAt)
  row.set('messageMax', messageMax)
  row.set('uploadMax', uploadMax)
  for (const [field, value] of Object.entries(limits)) row.set(field, value)
  $app.save(row)
  forget(MEMO)
  return {}
}

// '' is 0 (the default); anything else must be a whole number in [min, max]
export function wholeNumber(raw: string | undefined, min: number, max: number): number | null {
  const text = (raw || '').trim()
  if (!text) return 0
  if (!/^\d{1,9}$/.test(text)) return null
  const n = Number(text)
  return n >= min && n <= max ? n : null
}
