// The links to my rooms, in the sidebar and on the rooms page: strings built here rather than in
// the templates, because a person in 50 rooms has 50 rows, and a row rendered by EJS in goja (its
// `with` scope looks every name up through the page's locals) cost more than the whole page around
// it (bench/room-list.mjs).
import type { Room } from '../chat/rooms'
import type { Counted } from '../chat/unread'
import type { Listed } from '../chat/room-list'
import { PAGE_SIZE } from '../chat/messages'
import * as pictures from '../accounts/pictures'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const SPECIAL = /[&<>"']/
const esc = (s: string): string => (SPECIAL.test(s) ? String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]) : String(s))

/** unreadHref is where a link to one of my rooms goes: its "New messages" line when something waits there. */
export function unreadHref(room: Listed): string {
  const u = room.unread
  if (!u || !u.unread) return `/rooms/${esc(room.slug)}`
  // more than a page waits: open the room at the first new message, not at the newest
  return u.lastNumber - u.readNumber > PAGE_SIZE ? `/rooms/${esc(room.slug)}?at=${u.readNumber + 1}#unread` : `/rooms/${esc(room.slug)}#unread`
}

/** unreadMark is what waits in a room, beside its name (pb_public/hearth-unread.js keeps it current). */
export function unreadMark(c?: Counted): string {
  const u = c || { unread: 0, mentioned: false, readNumber: 0, lastNumber: 0 }
  return `<span class="unread" data-read="${u.readNumber}" data-last="${u.lastNumber}" data-count="${u.unread}"${u.unread ? '' : ' hidden'}>` +
    ` <span class="unread-number">${u.unread >= 100 ? '99+' : u.unread}</span><span class="visually-hidden"> new</span>` +
    `<span class="mention-mark"${u.mentioned ? '' : ' hidden'}>@<span class="visually-hidden">, mentions you</span></span></span>`
}

function link(room: Listed, currentId: string, avatarSize: number): string {
  const current = room.id === currentId ? ' aria-current="page"' : ''
  const face = room.peer
    ? `<img class="avatar${avatarSize < 24 ? ' tiny' : ' small'}" src="${esc(pictures.urlOf(room.peer.id, room.peer.picture))}" alt="" width="${avatarSize}" height="${avatarSize}">`
    : '<span class="muted">#</span>'
  return `<a href="${unreadHref(room)}" data-room="${esc(room.id)}"${current}>${face}${esc(room.name)}${unreadMark(room.unread)}</a>`
}

/** groupsAndDirects splits rooms into rooms and direct conversations (by the other person's name). */
export function groupsAndDirects<T extends Room>(rooms: T[]): { groups: T[]; directs: T[] } {
  return {
    groups: rooms.filter((r) => r.kind !== 'direct'),
    directs: rooms.filter((r) => r.kind === 'direct').sort((a, b) => a.name.localeCompare(b.name)),
  }
}

/** sidebarLinks is the list of my rooms beside a room (the sidebar, and the menu on a phone). */
// (parts are joined once: goja copies a string on every +=; indexed loops: for...of makes an
// iterator result object per room)
export function sidebarLinks(rooms: Listed[], currentId: string): string {
  const { groups, directs } = groupsAndDirects(rooms)
  const html = ['<ul class="my-rooms">']
  for (let i = 0; i < groups.length; i++) html.push(`  <li>${link(groups[i], currentId, 20)}</li>`)
  html.push('  <li><a class="all-rooms" href="/rooms">All rooms&hellip;</a></li>')
  if (directs.length) {
    html.push('  <li class="my-directs"><span class="sidebar-title">Direct messages</span>', '    <ul aria-label="Direct messages">')
    for (let i = 0; i < directs.length; i++) html.push(`      <li>${link(directs[i], currentId, 20)}</li>`)
    html.push('    </ul>', '  </li>')
  }
  html.push('</ul>', '')
  return html.join('\n')
}

/** roomsPageItems is the rooms page's list items: each room, with whether it is private or joined. */
export function roomsPageItems(rooms: Listed[]): string {
  const html: string[] = []
  for (let i = 0; i < rooms.length; i++) {
    const room = rooms[i]
    html.push('    <li>\n      ', link(room, '', 24))
    if (room.peer) html.push(` <span class="muted">@${esc(room.peer.username)}</span>`)
    if (room.kind === 'private') html.push(' <span class="badge">private</span>')
    if (!room.role) html.push(' <span class="muted">not joined</span>')
    if (room.topic) html.push(` <span class="topic muted">${esc(room.topic)}</span>`)
    html.push('\n    </li>\n')
  }
  return html.join('')
}
