// What the page runtime needs from the application it serves. The runtime knows no application:
// the entry (src/hearth.ts) hands it these when the bundle loads, so imports point one way
// (pages -> chat/accounts/realtime -> runtime).
import type { PageRequest } from './request'
import type { PageContext } from './context'

export interface App {
  /** currentUser returns whose session the request carries, or null; it may set cookies on e */
  currentUser(e: any, request: PageRequest): PageContext['user']
  /** isCrossSite tells whether a state-changing request came from another site */
  isCrossSite(request: PageRequest): boolean
  /** helpers every loader and template sees (and partials rendered outside a request) */
  helpers: Record<string, unknown>
  /** contextual returns helpers bound to one request's context */
  contextual(ctx: PageContext): Record<string, unknown>
  /** publish sends html to a topic's subscribers now: sseSend's delivery */
  publish(topic: string, html: string, filter?: unknown): number
  /** limitSetting is a rate limit's "max/seconds" as the site's settings say now, '' for none */
  limitSetting?(name: string): string
}

let configured: App | null = null

/** configure wires the application into the runtime; the entry calls it once per JS runtime. */
export function configure(app: App): void {
  configured = app
}

/** limitSetting asks the application for a rate limit's setting ('' before configure or without one). */
export function limitSetting(name: string): string {
  return configured?.limitSetting?.(name) || ''
}

/** theApp returns what configure was given. */
export function theApp(): App {
  if (!configured) throw new Error('the page runtime was not configured: call configure() from the entry')
  return configured
}
