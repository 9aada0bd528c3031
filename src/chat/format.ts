// Message bodies are Markdown, rendered once when saved. Raw HTML is off, so whatever a person
// types is escaped; links open safely.
import MarkdownIt from 'markdown-it'

let md: any = null

function renderer(): any {
  if (md) return md
  md = new MarkdownIt('default', { html: false, linkify: true, breaks: true, typographer: false })
  md.disable(['image', 'heading', 'lheading', 'hr', 'table'])
  md.validateLink = (url: string) => /^(https?:|mailto:)/i.test(url.trim())
  const defaultLinkOpen = md.renderer.rules.link_open ||
    ((tokens: any, idx: number, options: any, _env: any, self: any) => self.renderToken(tokens, idx, options))
  md.renderer.rules.link_open = (tokens: any, idx: number, options: any, env: any, self: any) => {
    tokens[idx].attrSet('rel', 'nofollow noopener noreferrer')
    tokens[idx].attrSet('target', '_blank')
    return defaultLinkOpen(tokens, idx, options, env, self)
  }
  return md
}

export function renderBody(body: string): string {
  return renderer().render(body).trim()
}
