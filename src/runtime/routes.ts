// The page router: turns the files under pages/ into routes and picks the route for a URL.
// Pure functions over relative paths, so the rules are unit-tested without PocketBase.

export type Segment = { literal: string } | { param: string }

export interface Route {
  /**
   * page template relative to the pages root, e.g. "rooms/[slug]/index.ejs"; null for a route of
   * handlers only (a folder with +get.js or +post.js and no page), which answers its folder's URL
   */
  file: string | null
  /** folders from the pages root to the page's folder, e.g. ["rooms", "[slug]"] */
  folders: string[]
  segments: Segment[]
  isIndex: boolean
}

export interface Match {
  route: Route
  params: Record<string, string>
}

/** Paths PocketBase owns; no page may answer them. */
export const RESERVED_PREFIXES = ['api', '_']

const PARAM = /^\[([A-Za-z_][A-Za-z0-9_]*)\]$/
const GROUP = /^\(.+\)$/

/** isPageFile tells whether a relative path under pages/ is a routable page. */
export function isPageFile(file: string): boolean {
  const parts = file.split('/')
  const name = parts[parts.length - 1]
  if (!name.endsWith('.ejs')) return false
  if (name.startsWith('+') || name.startsWith('_')) return false
  return !parts.slice(0, -1).some((folder) => folder.startsWith('_'))
}

/** HANDLER names a request handler beside pages: +get.js (GET and HEAD), +post.js, ... */
const HANDLER = /^\+(get|post|put|patch|delete)\.js$/

/** isHandlerFile tells whether a relative path under pages/ is a request handler (+get.js, +post.js...). */
export function isHandlerFile(file: string): boolean {
  const parts = file.split('/')
  if (!HANDLER.test(parts[parts.length - 1])) return false
  return !parts.slice(0, -1).some((folder) => folder.startsWith('_'))
}

/**
 * handlerFolders lists the folders whose handlers serve no page template: each answers its own
 * URL as if it had an index.ejs (e.g. a JSON endpoint, or a POST-only route that redirects).
 */
export function handlerFolders(files: string[]): string[] {
  const withPages = new Set(files.filter(isPageFile).map((f) => f.split('/').slice(0, -1).join('/')))
  const folders = new Set(files.filter(isHandlerFile).map((f) => f.split('/').slice(0, -1).join('/')))
  return [...folders].filter((folder) => !withPages.has(folder)).sort()
}

/** isPrivatePath tells whether a file under pages/ must never be served as-is. */
export function isPrivatePath(file: string): boolean {
  return file.split('/').some((part) => part.startsWith('_') || part.startsWith('+') || part.startsWith('.')) ||
    file.endsWith('.ejs')
}

function toSegment(part: string): Segment {
  const param = PARAM.exec(part)
  return param ? { param: param[1] } : { literal: part }
}

/** handlerRouteFor builds the route of a folder of handlers without a page ("" is the root). */
export function handlerRouteFor(folder: string): Route {
  const folders = folder ? folder.split('/') : []
  return { file: null, folders, segments: folders.filter((f) => !GROUP.test(f)).map(toSegment), isIndex: true }
}

/** routeFor builds the route of one page file. */
export function routeFor(file: string): Route {
  const parts = file.split('/')
  const folders = parts.slice(0, -1)
  const base = parts[parts.length - 1].replace(/\.ejs$/, '')
  const isIndex = base === 'index'
  const urlParts = folders.filter((f) => !GROUP.test(f))
  if (!isIndex) urlParts.push(base)
  return { file, folders, segments: urlParts.map(toSegment), isIndex }
}

function shape(route: Route): string {
  return '/' + route.segments.map((s) => ('literal' in s ? s.literal : '*')).join('/')
}

function nameOf(route: Route): string {
  return route.file ?? `${route.folders.map((f) => f + '/').join('')}+get.js or +post.js`
}

/**
 * buildRoutes validates and orders the routes of the given files under pages/: page templates,
 * and folders of handlers without a page. It throws when a page would shadow PocketBase or two
 * pages answer the same URLs.
 */
export function buildRoutes(files: string[]): Route[] {
  const byShape = new Map<string, Route>()
  const candidates = [...files.filter(isPageFile).sort().map(routeFor), ...handlerFolders(files).map(handlerRouteFor)]
  for (const route of candidates) {
    const file = nameOf(route)
    const first = route.segments[0]
    if (first && 'literal' in first && RESERVED_PREFIXES.includes(first.literal)) {
      throw new Error(`page "${file}" would shadow PocketBase's /${first.literal}/ routes; rename it`)
    }
    const key = shape(route)
    const other = byShape.get(key)
    if (!other) {
      byShape.set(key, route)
    } else if (other.isIndex !== route.isIndex && other.file && route.file) {
      // index.ejs beats a [param] page or a same-named file answering the same URLs
      if (route.isIndex) byShape.set(key, route)
    } else {
      throw new Error(`pages "${nameOf(other)}" and "${file}" answer the same URLs (${key})`)
    }
  }
  return [...byShape.values()]
}

/** splitPath turns a URL path into decoded segments; null when it cannot be decoded. */
export function splitPath(path: string): string[] | null {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '')
  if (trimmed === '') return []
  try {
    return trimmed.split('/').map((s) => decodeURIComponent(s))
  } catch {
    return null
  }
}

/** isReserved tells whether a URL path belongs to PocketBase itself. */
export function isReserved(path: string): boolean {
  const first = path.replace(/^\/+/, '').split('/')[0]
  return RESERVED_PREFIXES.includes(first)
}

// Compares two routes that both match: at the first segment where they differ,
// a literal beats a parameter.
function moreSpecific(a: Route, b: Route): number {
  for (let i = 0; i < a.segments.length; i++) {
    const aLit = 'literal' in a.segments[i]
    const bLit = 'literal' in b.segments[i]
    if (aLit !== bLit) return aLit ? -1 : 1
  }
  return 0
}

/** matchRoute picks the route answering a URL path, or null. */
export function matchRoute(routes: Route[], path: string): Match | null {
  if (isReserved(path)) return null
  const parts = splitPath(path)
  if (!parts) return null
  let best: Route | null = null
  for (const route of withLength(routes, parts.length)) {
    if (!matches(route, parts)) continue
    if (!best || moreSpecific(route, best) < 0) best = route
  }
  if (!best) return null
  const params: Record<string, string> = {}
  best.segments.forEach((segment, i) => {
    if ('param' in segment) params[segment.param] = parts[i]
  })
  return { route: best, params }
}

function matches(route: Route, parts: string[]): boolean {
  for (let i = 0; i < parts.length; i++) {
    const segment = route.segments[i]
    if ('literal' in segment ? segment.literal !== parts[i] : parts[i] === '') return false
  }
  return true
}

// Every request matches its path against the routes: they are grouped by their number of
// segments once per list of routes, which a VM keeps until the pages change.
const byLength = new WeakMap<Route[], Map<number, Route[]>>()

function withLength(routes: Route[], length: number): Route[] {
  let groups = byLength.get(routes)
  if (!groups) {
    groups = new Map()
    for (const route of routes) {
      const group = groups.get(route.segments.length)
      if (group) group.push(route)
      else groups.set(route.segments.length, [route])
    }
    byLength.set(routes, groups)
  }
  return groups.get(length) || []
}
