// EJS templates for the page runtime: compile once per VM, recompile when the file changes,
// resolve include() names to _private/ partials from the including file's folder upwards.
import ejs from 'ejs'
import { dirname, join } from './paths'

type Compiled = (data: Record<string, unknown>) => string

interface Cached {
  modTime: number
  fn: Compiled
}

// Per-VM cache: goja values must never be shared between VMs, and each VM has its own module state.
const compiled = new Map<string, Cached>()

// A page render looks up dozens of files (partials, layouts, loaders); outside development each
// file's time is checked at most once a second, so an edit still shows up within a second.
const STAT_TTL_MS = 1000
const stats = new Map<string, { checkedAt: number; time: number }>()

export function modTime(file: string): number {
  const now = Date.now()
  const hit = stats.get(file)
  if (hit && now - hit.checkedAt < STAT_TTL_MS && !$app.isDev()) return hit.time
  let time = -1
  try {
    time = $os.stat(file).modTime().unixNano()
  } catch {
    time = -1
  }
  stats.set(file, { checkedAt: now, time })
  return time
}

export function fileExists(file: string): boolean {
  return modTime(file) !== -1
}

export function readText(file: string): string {
  return toString($os.readFile(file))
}

/** findPartial looks for name in _private/ folders from fromDir up to root. */
export function findPartial(name: string, fromDir: string, root: string): string | null {
  const file = name.endsWith('.ejs') ? name : `${name}.ejs`
  let dir = fromDir
  for (;;) {
    const candidate = join(dir, '_private', file)
    if (fileExists(candidate)) return candidate
    if (dir === root || !dir.startsWith(root)) return null
    dir = dirname(dir)
  }
}

// Pages (not partials or layouts) get a local sseSend that knows how much the page has rendered
// so far, so sseSend(topic) can capture what the page renders after the call (see capture.ts).
const PAGE_PROLOGUE = '<% const sseSend = (...args) => __sseSendAt(__output.length, ...args) %>'

/** compile returns the template function of a file, from the cache when the file is unchanged. */
export function compile(file: string, asPage = false): Compiled {
  const time = modTime(file)
  const key = asPage ? `page:${file}` : file
  const hit = compiled.get(key)
  if (hit && hit.modTime === time) return hit.fn
  const fn = ejs.compile((asPage ? PAGE_PROLOGUE : '') + readText(file), {
    filename: file,
    // locals are Hearth's own objects, passed as they are: each include's locals inherit from its
    // includer's instead of copying them (ejs copies by default, which dominated render time)
    unsafePrototypeLocals: true,
  }) as unknown as Compiled
  compiled.set(key, { modTime: time, fn })
  return fn
}

const partials = new Map<string, string>()

function partialFile(name: string, fromDir: string, root: string): string {
  const key = `${fromDir}\0${name}`
  let file = partials.get(key)
  if (!file || modTime(file) === -1) {
    file = findPartial(name, fromDir, root) ?? missing(name)
    partials.set(key, file)
  }
  return file
}

/**
 * renderFile renders a template with the given locals and an include() that finds partials in
 * _private/ folders from the including file's folder upwards.
 */
export function renderFile(file: string, root: string, locals: object, asPage = false): string {
  const scope = Object.create(locals)
  withIncludes(scope, dirname(file), root)
  return compile(file, asPage)(scope)
}

function withIncludes(scope: any, dir: string, root: string): void {
  scope.include = includeFrom(dir, root, scope)
  scope.includeStatic = includeStaticFrom(dir, root, scope)
}

function includeFrom(dir: string, root: string, parent: object) {
  return (name: string, data?: object) => {
    const file = partialFile(name, dir, root)
    const scope = Object.create(parent)
    if (data) Object.assign(scope, data)
    withIncludes(scope, dirname(file), root)
    return compile(file)(scope)
  }
}

// A static partial's output, by file, with the compiled template that made it.
const statics = new Map<string, { fn: Compiled; html: string }>()

/**
 * includeStatic includes a partial that shows the same whatever the page (it may use the helpers,
 * never a page's locals): rendered once per version of its file, then reused. For markup repeated
 * under every message, such as the reaction picker, which was half of a message's rendering.
 */
function includeStaticFrom(dir: string, root: string, parent: object) {
  return (name: string) => {
    const file = partialFile(name, dir, root)
    const fn = compile(file)
    const hit = statics.get(file)
    if (hit && hit.fn === fn) return hit.html
    const scope = Object.create(parent)
    withIncludes(scope, dirname(file), root)
    const html = fn(scope)
    statics.set(file, { fn, html })
    return html
  }
}

function missing(name: string): never {
  throw new Error(`include("${name}"): no _private/${name}.ejs from this page's folder up to pages/`)
}
