// Rendering a _private/ partial outside a page request, for realtime fragments: the same
// templates the pages include, so a message looks the same however it arrives.
import { renderFile, findPartial } from './templates'
import { pagesRoot } from './pages'
import { theApp } from './app'

export function renderPartial(name: string, locals: Record<string, unknown>): string {
  const root = pagesRoot()
  const file = findPartial(name, root, root)
  if (!file) throw new Error(`renderPartial: no pages/_private/${name}.ejs`)
  return renderFile(file, root, { ...theApp().helpers, ...locals })
}
