// Message bodies are Markdown, rendered once when saved. Raw HTML is off, so whatever a person
// types is escaped; links open safely.
import MarkdownIt from 'markdown-it'
import { markMentions, renderMention, type MentionEnv } from './mention-syntax'

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
  // after linkify, so URLs and e-mail addresses are links already (and skipped); before
  // text_join, so an escaped \@name stays apart and stays text
  boundLinkAttempts(md)
  md.core.ruler.after('linkify', 'mention', markMentions)
  md.renderer.rules.mention = renderMention
  return md
}

/** How many "[" in one body may fail to start a link before the rest of them are taken as text. */
export const FAILED_LINKS_MAX = 32

// markdown-it looks for the "]" that closes each "[" by scanning onward, token by token
// (parseLinkLabel), so a body of thousands of unclosed brackets cost seconds of goja's CPU per post
// (quadratic). Links that work cost nothing here; only failed attempts count.
function boundLinkAttempts(md: any): void {
  const ruler = md.inline.ruler
  const link = ruler.__rules__[ruler.__find__('link')].fn
  ruler.at('link', (state: any, silent: boolean) => {
    if (state.src.charCodeAt(state.pos) !== 0x5b /* [ */) return false
    const env = state.env as { failedLinks?: number }
    if ((env.failedLinks || 0) >= FAILED_LINKS_MAX) return false
    if (link(state, silent)) return true
    env.failedLinks = (env.failedLinks || 0) + 1
    return false
  })
}

/** Rendered is a body as HTML, with the ids of the people its mentions link to. */
export interface Rendered {
  html: string
  mentions: string[]
}

/**
 * renderBody renders a body. readersNamed says which of the @names it mentions are people who
 * may read the room (username to user id); those become links, every other @name stays text.
 */
export function renderBody(body: string, readersNamed: (usernames: string[]) => Map<string, string> = () => new Map()): Rendered {
  const plain = plainParagraph(body)
  if (plain !== null) return { html: plain, mentions: [] }
  const env: MentionEnv = { named: new Set(), readers: new Map() }
  const tokens = renderer().parse(body, env)
  env.readers = env.named.size ? readersNamed([...env.named]) : new Map()
  const html = renderer().renderer.render(tokens, renderer().options, env).trim()
  const mentions = [...new Set([...env.named].map((name) => env.readers.get(name)).filter((id): id is string => !!id))]
  return { html, mentions }
}

// Characters that can start Markdown, a mention, a link (any scheme's colon) or an HTML escape
// anywhere in a line, and what can start a block (a list, a quote) at its beginning.
const MARKUP = /[\\`*_~[\]!<>&@#|:\n\r\0]/
const BLOCK_START = /^(?:[-+=]|\d{1,9}[.)])/

/**
 * plainParagraph renders a body of plain words (one line, no Markdown, nothing linkify would link)
 * as the one paragraph markdown-it makes of it, without parsing it: most messages are such, and
 * the parser was a tenth of a post's CPU. null for anything else. tests/unit/format.test.mjs
 * holds it to markdown-it's output.
 */
export function plainParagraph(body: string): string | null {
  if (!body || body !== body.trim() || MARKUP.test(body) || BLOCK_START.test(body)) return null
  if (renderer().linkify.test(body)) return null
  return `<p>${body.replace(/"/g, '&quot;')}</p>`
}
