// What every loader and template sees besides the request: the domain, and small view helpers.
import * as rooms from '../chat/rooms'
import * as members from '../chat/members'
import * as policy from '../chat/policy'
import * as fragments from '../chat/fragments'
import * as messages from '../chat/messages'
import * as reactions from '../chat/reactions'
import * as moderation from '../chat/moderation'
import * as users from '../accounts/users'
import * as session from '../accounts/session'
import * as setup from '../accounts/setup'
import * as disabling from '../accounts/disabling'
import * as settings from '../site/settings'
import * as invites from '../site/invites'
import { LIMIT_SETTINGS } from '../site/limit-settings'
import { defaultOf } from '../runtime/limits'
import * as passwords from '../accounts/passwords'
import * as pictures from '../accounts/pictures'
import * as avatars from '../chat/avatars'
import * as realtime from '../realtime/subscribe'
import * as history from '../realtime/history'
import * as pages from './pages'
import { roomTopic } from '../realtime/topics'
import { HttpError } from '../runtime/context'
import { keptValues } from '../runtime/forms'
import pkg from '../../package.json'
import * as roomLinks from './room-links'
import { utcLabel, utcClock, utcDayLabel } from './labels'
import { timelineOf } from './timeline'

/** assetUrl adds the release to a pb_public URL, so browsers may cache it for good. */
export function assetUrl(path: string): string {
  return `${path}?v=${pkg.version}-${pkg.dependencies['htmx.org']}`
}


export const helpers = {
  roomLinks,
  rooms,
  members,
  policy,
  fragments,
  messages,
  reactions,
  moderation,
  users,
  session,
  setup,
  disabling,
  settings,
  invites,
  /** the rate limits an admin may set, and each one's default ("uses/seconds") */
  limitSettings: LIMIT_SETTINGS,
  limitDefault: defaultOf,
  /** the site's name (an admin's setting): the layout's title and header */
  siteName: () => settings.siteName(),
  passwords,
  pictures,
  avatars,
  realtime,
  history,
  pages,
  roomTopic,
  HttpError,
  keptValues,
  utcLabel,
  utcClock,
  utcDayLabel,
  timelineOf,
  assetUrl,
  /** the running release ($hearth, set by src/server/main.go): Hearth's version and PocketBase's */
  release: () => $hearth,
  /** the longest message body (the messages collection's body max): forms say it as maxlength */
  bodyMax: () => messages.bodyMax(),
  /** a fresh one-time token for a form that must act once */
  newNonce: () => $security.randomString(24),
}

/** contextual helpers act on the request they belong to. */
export function contextual(ctx: any) {
  return {
    /** requireUser sends guests to the log-in page and back here afterwards */
    requireUser() {
      if (!ctx.user) ctx.redirect(`/login?next=${encodeURIComponent(ctx.request.url)}`)
      return ctx.user
    },
    /** requireAdmin is requireUser, then a 403 for anyone who is not an admin */
    requireAdmin() {
      if (!ctx.user) ctx.redirect(`/login?next=${encodeURIComponent(ctx.request.url)}`)
      if (!policy.isAdmin(ctx.user)) throw new HttpError(403, 'Only admins may see this page.')
      return ctx.user
    },
    /** invalid answers a form with 422 (or the 429 of a limit already set) and the errors to show next to its fields */
    invalid(errors: Record<string, string>) {
      if (ctx.response.status() < 400) ctx.response.status(422)
      return { errors, values: keptValues(ctx.form) }
    },
  }
}
