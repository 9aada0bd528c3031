// Rendering a _private/ partial outside a page request, for realtime fragments: the same
// templates the pages include, so a message looks the same however it arrives.
import { renderFile, findPartial, modTime, readText } from './templates'
import { join } from './paths'
import { pagesRoot } from './pages'
import { theApp } from './app'

export function renderPartial(name: string, locals: Record<string, unknown>): string {
  const root = pagesRoot()
  const file = findPartial(name, root, root)
  if (!file) throw new Error(`renderPartial: no pages/_private/${name}.ejs`)
  // note: the helpers are the locals' prototype, not copied into them: a fragment is rendered on
  // every change, and copying every helper each time showed in a post's profile
  return renderFile(file, root, Object.assign(Object.create(theApp().helpers), locals))
}

// The digest changes whenever any partial does; it is recomputed at most once a second (as
// templates are) and only when a file's time changed.
let digest = { checkedAt: 0, times: '', value: '' }

/**
 * partialsDigest names the current version of the _private/ partials, for render caches keyed
 * by the templates that made them.
 */
export function partialsDigest(): string {
  const now = Date.now()
  if (digest.value && now - digest.checkedAt < 1000 && !$app.isDev()) return digest.value
  const dir = join(pagesRoot(), '_private')
  const files = ($os.readDir(dir) as any[]).map((f) => String(f.name())).filter((n) => n.endsWith('.ejs')).sort()
  const times = files.map((n) => `${n}@${modTime(join(dir, n))}`).join('|')
  if (times !== digest.times) {
    const text = files.map((n) => `${n}\n${readText(join(dir, n))}`).join('\n')
    digest = { checkedAt: now, times, value: $security.sha256(text).slice(0, 16) }
  } else {
    digest.checkedAt = now
  }
  return digest.value
}
