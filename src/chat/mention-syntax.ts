// Where a message body says @username, as a markdown-it core rule: only in plain text, so never in
// code, in a link's text, in a URL or in an e-mail address. Which of the names are people who may
// read the room is asked after parsing, once for the whole body (format.ts renderBody).
import { USERNAME } from '../accounts/users'

/** MentionEnv is what the rule and the renderer share through markdown-it's env. */
export interface MentionEnv {
  /** every well-formed @name in the body, lowercased, in order of first use */
  named: Set<string>
  /** the named people who may read the room: username to user id */
  readers: Map<string, string>
}

const NAME = /@([A-Za-z0-9_]+)/g
// a character before the @ that makes it part of something else: a word, an address, a path
const JOINED_BEFORE = /[A-Za-z0-9_.+\-/@=&%\\]/
// after the name: another @ (an address) or a dot or dash going on into a word (a host name)
const JOINED_AFTER = /^(@|[.-][A-Za-z0-9])/

function splitText(token: any, TokenOf: any, env: MentionEnv): any[] | null {
  const text: string = token.content
  const out: any[] = []
  let from = 0
  for (const m of text.matchAll(NAME)) {
    const at = m.index!
    const end = at + m[0].length
    const username = m[1].toLowerCase()
    if (at > 0 && JOINED_BEFORE.test(text[at - 1])) continue
    if (JOINED_AFTER.test(text.slice(end, end + 2)) || !USERNAME.test(username)) continue
    if (at > from) out.push(Object.assign(new TokenOf('text', '', 0), { content: text.slice(from, at) }))
    out.push(Object.assign(new TokenOf('mention', '', 0), { content: m[0], meta: { username } }))
    env.named.add(username)
    from = end
  }
  if (!out.length) return null
  if (from < text.length) out.push(Object.assign(new TokenOf('text', '', 0), { content: text.slice(from) }))
  return out
}

/** markMentions turns each @name in plain text into a mention token (core rule, after linkify). */
export function markMentions(state: any): void {
  const env = state.env as MentionEnv
  for (const block of state.tokens) {
    if (block.type !== 'inline' || !block.children) continue
    const children: any[] = []
    let inLink = 0
    for (const child of block.children) {
      if (child.type === 'link_open') inLink++
      if (child.type === 'link_close') inLink--
      const parts = child.type === 'text' && !inLink ? splitText(child, state.Token, env) : null
      if (parts) children.push(...parts)
      else children.push(child)
    }
    block.children = children
  }
}

/**
 * renderMention draws a mention: a link to the person if they may read the room, else the text
 * as typed. (The content is an @ and username characters only: nothing in it needs escaping.)
 */
export function renderMention(tokens: any[], idx: number, _options: any, env: MentionEnv): string {
  const token = tokens[idx]
  const id = env.readers.get(token.meta.username)
  return id ? `<a class="mention" href="/people/${encodeURIComponent(id)}">${token.content}</a>` : token.content
}
