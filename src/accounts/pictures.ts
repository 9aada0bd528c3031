// Profile pictures: each person may upload one (users.avatar, a protected file field that takes
// PNG, JPEG, WebP or GIF, checked from the file's bytes by PocketBase, at most its maxSize). The
// admin's uploadMax (KB) is the limit under that one. Pages show a picture at /avatars/<id>?v=<file>:
// the file's name changes with every upload, so browsers may keep each one and a new picture shows
// at once wherever the URL is rendered again (a message's fragment is, as its author's change moves
// its key: src/chat/fragments.ts).
import type { Errors } from '../runtime/forms'
import { Halt } from '../runtime/context'
import { LIMITS, guard, refund } from '../runtime/limits'
import * as settings from '../site/settings'

/** FIELD is the users' file field that holds the picture. */
const FIELD = 'avatar'
const DEFAULT_KB = 1024
// what a multipart form adds around a file (boundaries, headers, the other fields)
const FORM_OVERHEAD = 64 << 10

/** ceilingBytes is users.avatar's maxSize: no setting goes beyond it. */
export function ceilingBytes(): number {
  return $app.findCachedCollectionByNameOrId('users').fields.getByName(FIELD).maxSize
}

/** ceilingKb is ceilingBytes in KB, the admin's setting's highest value. */
export const ceilingKb = (): number => Math.floor(ceilingBytes() / 1024)

/** bodyLimit is the largest request the upload page reads: a picture at the ceiling and its form. */
export const bodyLimit = (): number => ceilingBytes() + FORM_OVERHEAD

/** defaultKb is the limit without the admin's setting: HEARTH_UPLOAD_MAX (KB), else 1024. */
export function defaultKb(): number {
  const n = Number(process.env.HEARTH_UPLOAD_MAX)
  return Math.min(Number.isInteger(n) && n > 0 ? n : DEFAULT_KB, ceilingKb())
}

/** maxKb is the largest picture accepted now, in KB. */
export function maxKb(): number {
  const set = settings.current().uploadMax
  return set > 0 ? Math.min(set, ceilingKb()) : defaultKb()
}

/** urlOf is where a page shows a person's face: their picture (file), or their initials. */
export function urlOf(id: string, file: string): string {
  return `/avatars/${encodeURIComponent(id || 'ghost')}${file ? `?v=${encodeURIComponent(file)}` : ''}`
}

/**
 * upload takes the picture posted in the request (its file input "avatar") as the user's; status is
 * 413 for one over the limit, 422 for no file or one that is not a PNG, JPEG, WebP or GIF.
 */
export function upload(e: any, userId: string): { errors?: Errors; status?: number } {
  let files: any[]
  try {
    files = e.findUploadedFiles(FIELD)
  } catch {
    return { status: 422, errors: { avatar: 'Choose a picture first.' } }
  }
  const file = files[0]
  const max = maxKb()
  if (file.size > max * 1024) {
    return { status: 413, errors: { avatar: `Pictures can be at most ${max} KB; this one has ${Math.ceil(file.size / 1024)} KB.` } }
  }
  guard(LIMITS.pictures, userId, TOO_OFTEN, FIELD)
  const record = $app.findRecordById('users', userId)
  record.set(FIELD, file)
  try {
    $app.save(record)
  } catch (err) {
    refund(LIMITS.pictures, userId) // nothing changed
    if (!/avatar/.test(String(err))) throw err
    return { status: 422, errors: { avatar: 'Choose a PNG, JPEG, WebP or GIF picture.' } }
  }
  return {}
}

// each change is stored and signalled to every room where the face shows (picture-signal.ts)
const TOO_OFTEN = 'You are changing your picture too often. Wait a few minutes, then try again.'

/** remove takes the user's picture away: their initials show again. */
export function remove(userId: string): void {
  const record = $app.findRecordById('users', userId)
  if (!record.getString(FIELD)) return
  guard(LIMITS.pictures, userId, TOO_OFTEN)
  record.set(FIELD, '')
  $app.save(record)
}

/**
 * serve answers with the person's picture (and ends the request), or returns false when they have
 * none. Asked for by the URL that names its file (urlOf: version), browsers may keep it for good.
 */
export function serve(e: any, record: any, version: string): boolean {
  const file = record.getString(FIELD)
  if (!file) return false
  const fs = $app.newFilesystem()
  try {
    e.response.header().set('Cache-Control', version === file ? 'private, max-age=31536000, immutable' : 'private, no-cache')
    fs.serve(e.response, e.request, `${record.baseFilesPath()}/${file}`, file)
  } finally {
    fs.close()
  }
  throw new Halt(200)
}
