// Finds pages, layouts and handlers (+get.js, +post.js) on disk for the router and the renderer.
import { buildRoutes, type Route } from './routes'
import { join } from './paths'
import { modTime, readText } from './templates'

export function pagesRoot(): string {
  return join(__hooks, 'pages')
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = []
  for (const entry of $os.readDir(dir)) {
    const name: string = entry.name()
    if (entry.isDir()) out.push(...listFiles(join(dir, name), `${prefix}${name}/`))
    else out.push(prefix + name)
  }
  return out
}

let cachedRoutes: Route[] | null = null

/** routes scans pages/ once per VM (every request in development, so new pages show up). */
export function routes(): Route[] {
  if (!cachedRoutes || $app.isDev()) cachedRoutes = buildRoutes(listFiles(pagesRoot()))
  return cachedRoutes
}

/** layoutsFor lists +layout.ejs files from the page's folder up to the root, innermost first. */
export function layoutsFor(route: Route): string[] {
  const root = pagesRoot()
  const layouts: string[] = []
  for (let depth = route.folders.length; depth >= 0; depth--) {
    const file = join(root, ...route.folders.slice(0, depth), '+layout.ejs')
    if (modTime(file) !== -1) layouts.push(file)
  }
  return layouts
}

/**
 * Handler is a +<method>.js module: the function, and what it may say about its body: bodyLimit
 * (bytes, or a function of the helpers) and tooLarge(ctx, message), the page's data when the body
 * is over that limit (see serve.ts).
 */
type Handler = ((ctx: any) => any) & {
  bodyLimit?: number | ((helpers: Record<string, unknown>) => number)
  tooLarge?: (ctx: any, message: string) => any
}
const handlers = new Map<string, { time: number; fn: Handler }>()

/** handlerFor returns the +<method>.js beside a page (+get.js, +post.js), or null. */
export function handlerFor(route: Route, method: string): Handler | null {
  const file = join(pagesRoot(), ...route.folders, `+${method}.js`)
  const time = modTime(file)
  if (time === -1) return null
  const hit = handlers.get(file)
  if (hit && hit.time === time) return hit.fn
  const text = readText(file)
  // CommonJS-style module, evaluated here so an edited handler is picked up without a restart
  const module = { exports: {} as any }
  new Function('module', 'exports', 'require', `${text}\n//# sourceURL=${file}`)(module, module.exports, require)
  const fn = typeof module.exports === 'function' ? module.exports : module.exports.default
  if (typeof fn !== 'function') throw new Error(`${file} must export a function`)
  handlers.set(file, { time, fn })
  return fn
}

export function pageFile(route: Route): string {
  if (!route.file) throw new Error(`the route of ${route.folders.join('/') || 'the root'} has no page`)
  return join(pagesRoot(), route.file)
}

/**
 * errorPageFor finds the +error.ejs nearest a page, from its folder up to the root (which always has
 * one), and a route for it so its layouts can be found; route null is the root's.
 */
export function errorPageFor(route: Route | null): { file: string; route: Route } {
  const folders = route?.folders ?? []
  for (let depth = folders.length; depth > 0; depth--) {
    const file = join(pagesRoot(), ...folders.slice(0, depth), '+error.ejs')
    if (modTime(file) !== -1) return { file, route: { file: '+error.ejs', folders: folders.slice(0, depth), segments: [], isIndex: false } }
  }
  return { file: join(pagesRoot(), '+error.ejs'), route: { file: '+error.ejs', folders: [], segments: [], isIndex: false } }
}
