// What the routes under pb_hooks/pages do, typed: each +get.js or +post.js there is one call of a
// function here. They live in web/ (not chat/) because they speak the page's language (the
// request, its params and form, redirects, 422 answers), which the chat domain never sees.
import type { PageContext } from '../runtime/context'
import { HttpError } from '../runtime/context'
import { LimitError } from '../runtime/limits'
import type { Errors } from '../runtime/forms'
import * as rooms from '../chat/rooms'
import * as members from '../chat/members'
import * as messages from '../chat/messages'
import * as history from '../realtime/history'
import * as presence from '../realtime/presence'
import * as fragments from '../chat/fragments'
import * as search from '../chat/search'
import * as direct from '../chat/direct'
import * as typingSignal from '../chat/typing'
import * as unread from '../chat/unread'
import { roomsListedFor } from '../chat/room-list'
import * as users from '../accounts/users'
import * as reactions from '../chat/reactions'
import * as moderation from '../chat/moderation'

/** Ctx is a page's context with the helpers the entry adds (requireUser, invalid...). */
type Ctx = PageContext

/** positionIn reads a whole number from the query string, or null. */
function positionIn(ctx: Ctx, name: string): number | null {
  return wholeNumber(ctx.request.query[name])
}

function wholeNumber(raw: string | undefined): number | null {
  return /^\d{1,15}$/.test(raw || '') ? Number(raw) : null
}

/**
 * roomPage is what the room page shows: the newest messages, or an older page of them (before the
 * message number in ?before=), beside the rooms the reader belongs to. The head is read first, so
 * anything that happens while the page renders is replayed to it, never missed.
 */
export function roomPage(ctx: Ctx) {
  const user = ctx.requireUser()
  const { room, record } = rooms.openRoom(user, ctx.params.slug)
  const before = positionIn(ctx, 'before') ?? undefined
  const at = before === undefined ? positionIn(ctx, 'at') ?? undefined : undefined
  const head = history.head($app, record.id)
  const { messages: listed, olderCursor } = at === undefined ? messages.history(record.id, before) : messages.around(record.id, at)
  const memberCount = members.countOf(record.id)
  // "New messages" goes before the first message after the reader's position, which the page then moves past
  const readNumber = room.role ? unread.readNumberOf(record.id, user.id) : null
  const firstUnread = readNumber === null ? 0 : listed.find((m) => m.number > readNumber && m.author !== user.id)?.number || 0
  if (room.role && listed.length) unread.markRead(record.id, user.id, listed[listed.length - 1].number)
  const myRooms = roomsListedFor(user, { joinedOnly: true })
  const hereNow = presence.hereNow(record.id)
  return { room, messages: listed, olderCursor, head, memberCount, hereNow, myRooms, firstUnread, paging: before !== undefined || at !== undefined }
}

/** readUpTo moves the reader's position in a room forward (the page's script, as messages arrive while it is seen). */
export function readUpTo(ctx: Ctx) {
  const { record } = rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const number = wholeNumber(ctx.form.number)
  if (number === null) throw new HttpError(422, 'Say which message you have read: number=<its number>.')
  return ctx.json(200, { readNumber: unread.markRead(record.id, ctx.user!.id, number) })
}

/** searchPage finds messages the user may read (?q=), a page at a time (?before=<cursor>). */
export function searchPage(ctx: Ctx) {
  const user = ctx.requireUser()
  const text = String(ctx.request.query.q || '').slice(0, 1000)
  const query = search.queryOf(text)
  if (!query) return { text, query: null, results: [], next: null }
  const { results, next } = search.search(user, query, positionIn(ctx, 'before') ?? undefined)
  return { text, query, results, next }
}

/** catchUp answers the events of a room after ?after=<position>, seen as ?event=<id> (JSON). */
export function catchUp(ctx: Ctx) {
  const { record } = rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const after = positionIn(ctx, 'after')
  if (after === null) throw new HttpError(422, 'Say which position to catch up from: ?after=<number>.')
  const seen = 'event' in ctx.request.query ? ctx.request.query.event : null
  return ctx.json(200, fragments.catchUp($app, record.id, after, seen))
}

/**
 * attempt runs a form's action. Over a limit that names a field, the form is refused like an
 * invalid one, with 429 and the reason beside that field, so the handler shows its page again.
 */
function attempt<T extends { errors?: Errors }>(ctx: Ctx, act: () => T): T {
  try {
    return act()
  } catch (err) {
    if (!(err instanceof LimitError) || !err.field) throw err
    ctx.response.status(429)
    return { errors: { [err.field]: err.message } } as T
  }
}

/** roomList is the rooms page: every room the user may see. */
export function roomList(ctx: Ctx) {
  const user = ctx.requireUser()
  return { rooms: roomsListedFor(user) }
}

/** createRoom makes a room and goes there; a refused form is the rooms page with its errors. */
export function createRoom(ctx: Ctx) {
  const result = attempt(ctx, () => rooms.createRoom(ctx.requireUser(), ctx.form))
  if (result.errors) return { ...roomList(ctx), ...ctx.invalid(result.errors) }
  ctx.redirect(`/rooms/${result.room!.slug}`)
}

/**
 * postMessage posts from the composer: 303 back to the room (a refresh never re-posts); htmx gets
 * the message and a fresh form. A refused message shows the room again with the composer's error.
 */
export function postMessage(ctx: Ctx) {
  const { room, standing } = rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const result = attempt(ctx, () => messages.post(ctx.user as any, room.id, standing, ctx.form))
  if (result.errors) return { ...roomPage(ctx), ...ctx.invalid(result.errors) }
  if (!ctx.request.isHtmx) ctx.redirect(`/rooms/${room.slug}#message-${result.message!.id}`)
  return { room, message: result.message }
}

/**
 * messageTooLarge answers a message form over the size the page reads (413): the room again with
 * the reason beside the composer. Without JavaScript nothing counted the text before it was sent,
 * and it was never read, so the page says where it still is: the browser's Back button.
 */
export function messageTooLarge(ctx: Ctx, message: string) {
  return { ...roomPage(ctx), ...ctx.invalid({ body: tooLargeReason(message) }) }
}

/** editTooLarge is messageTooLarge for the edit form: the form again, with the message as it is. */
export function editTooLarge(ctx: Ctx, message: string) {
  const page = editForm(ctx)
  return { ...page, ...ctx.invalid({ body: tooLargeReason(message) }), values: { body: page.message.body } }
}

function tooLargeReason(message: string): string {
  return `${message} A message can be at most ${messages.bodyMax()} characters. What you typed is still in the form you came from: go Back to shorten it.`
}

/** messageToChange finds a message in the room for a page that edits or deletes it, if allowed. */
function messageToChange(ctx: Ctx, may: (user: any, found: any) => boolean, refusal: string) {
  const user = ctx.requireUser()
  const { room, record } = rooms.openRoom(user, ctx.params.slug)
  const found = messages.findMessage(record.id, ctx.params.id)
  if (!may(user, found)) throw new HttpError(403, refusal)
  return { room, found }
}

/** editForm is the page that edits one's own message. */
export function editForm(ctx: Ctx) {
  const { room, found } = messageToChange(ctx, messages.canEditUnlessHidden, 'You can only edit your own messages.')
  return { room, message: messages.loadMessage(found) }
}

/** editMessage saves an edit and goes back to the message; a refused one is the form again. */
export function editMessage(ctx: Ctx) {
  const { room, record } = rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const found = messages.findMessage(record.id, ctx.params.id)
  const result = attempt(ctx, () => messages.edit(ctx.user as any, found, ctx.form))
  if (result.errors) return { room, message: messages.loadMessage(found), ...ctx.invalid(result.errors) }
  ctx.redirect(`/rooms/${room.slug}#message-${found.id}`)
}

/** deletionForm asks before deleting a message (a link must never delete anything). */
export function deletionForm(ctx: Ctx) {
  const { room, found } = messageToChange(ctx, messages.canDelete, 'You can only delete your own messages.')
  return { room, message: messages.loadMessage(found) }
}

/** memberList is a room's members page. */
export function memberList(ctx: Ctx) {
  const { room, record } = rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  return { room, members: members.membersOf(record.id) }
}

/** addMember lets an owner add someone by username; a refused one is the members page again. */
export function addMember(ctx: Ctx) {
  const { room, record } = rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const result = attempt(ctx, () => members.addMember(record, ctx.user!.id, ctx.form.username))
  if (result.errors) return { ...memberList(ctx), ...ctx.invalid(result.errors) }
  ctx.redirect(`/rooms/${room.slug}/members`)
}

/** openConversation goes to the direct conversation with a person (made the first time). */
export function openConversation(ctx: Ctx) {
  ctx.redirect(`/rooms/${direct.conversationWith(ctx.requireUser(), ctx.params.person)}`)
}

/** typing passes "I am typing" on to the room's other readers (202; 429 when sent too often). */
export function typing(ctx: Ctx) {
  const { record } = rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const sent = typingSignal.typing(ctx.user as any, record)
  return ctx.json(sent ? 202 : 429, { sent })
}

/**
 * mentionable answers the composer's name completion: the room's members whose username or
 * name starts with ?prefix= (JSON), for people who may read the room.
 */
export function mentionable(ctx: Ctx) {
  const { record } = rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const prefix = (ctx.request.query.prefix || '').toLowerCase()
  if (!/^[a-z0-9_]{0,24}$/.test(prefix)) throw new HttpError(422, 'Names are letters, digits and underscores: ask with ?prefix=<the start of one>.')
  return ctx.json(200, { people: members.membersStartingWith(record.id, prefix) })
}

/** person is a person's page, where a mention leads: name, avatar and @username (an id or a username finds them). */
export function person(ctx: Ctx) {
  ctx.requireUser()
  const record = users.findUser(ctx.params.person)
  if (!record) throw new HttpError(404, 'Nobody has that username.')
  return { person: { id: record.id, username: record.getString('username'), name: record.getString('name') || record.getString('username'), picture: record.getString('avatar') } }
}

/**
 * toggleReaction gives or takes back one's reaction: 303 back to the message; htmx gets the
 * message's new fragment (the one everyone gets). Without htmx a reader of a public room is asked
 * to join first.
 */
export function toggleReaction(ctx: Ctx) {
  const { room, record } = rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const found = messages.findMessage(record.id, ctx.params.id)
  try {
    reactions.toggle(ctx.user as any, record, found, ctx.form.emoji || '')
  } catch (err) {
    // (under htmx the error's own fragment says why; pb_public/hearth-actions.js keeps the message)
    if (!(err instanceof HttpError) || ctx.request.isHtmx || err.status !== 403 || room.role) throw err
    ctx.response.status(403)
    return { room, joinFirst: err.message }
  }
  if (!ctx.request.isHtmx) ctx.redirect(`/rooms/${room.slug}#message-${found.id}`)
  return { room, fragment: fragments.current(found.id) }
}

/** moderationPage is a room's moderation log; its moderators also read and restore what is hidden. */
export function moderationPage(ctx: Ctx) {
  const user = ctx.requireUser()
  const { room, record } = rooms.openRoom(user, ctx.params.slug)
  const { mayModerate } = moderation.requireLogReader(record, user.id)
  return { room, entries: moderation.logOf(record.id), hidden: mayModerate ? moderation.hiddenIn(record.id) : [], mayModerate }
}

/** restoreMessage shows a hidden message again, for everyone, and goes back to the log. */
export function restoreMessage(ctx: Ctx) {
  const { room, record } = rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  moderation.restore(ctx.user as any, record, messages.findMessage(record.id, ctx.params.id))
  ctx.redirect(`/rooms/${room.slug}/moderation`)
}
