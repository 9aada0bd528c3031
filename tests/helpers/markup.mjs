// Reading Hearth's markup in tests that have no browser: forms and their errors, messages, the
// room's live attributes and the fragments realtime events carry. One place for every pattern, so
// a change to a partial breaks one reader here instead of a copy in each test file.

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", middot: '\u00b7', hellip: '\u2026' }

/** title reads the page's <title> as the browser shows it (its character references read). */
export function title(html) {
  const raw = /<title>([^<]*)<\/title>/.exec(html)?.[1]
  return raw === undefined ? null : raw.replace(/&(amp|lt|gt|quot|#39|middot|hellip);/g, (_, name) => ENTITIES[name])
}

/** fieldError reads the message beside a form field (the partial's <p id="<field>-error">), or null. */
export function fieldError(html, field) {
  return new RegExp(`<p class="field-error" id="${field}-error" role="alert">([^<]*)</p>`).exec(html)?.[1] ?? null
}

/** inputTag is the whole <input> tag with this id, or ''. */
export function inputTag(html, id) {
  return new RegExp(`<input id="${id}"[^>]*>`).exec(html)?.[0] ?? ''
}

/** composerForm is the room's message form (<form id="composer">), or ''. */
export function composerForm(html) {
  return /<form id="composer"[\s\S]*?<\/form>/.exec(html)?.[0] ?? ''
}

/** bodyText is what the message box (<textarea id="body">) holds, as sent (escaped), or null. */
export function bodyText(html) {
  return /<textarea id="body"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1] ?? null
}

/** nonceOf reads a message form's one-time token, or null. */
export function nonceOf(html) {
  return /<input type="hidden" name="nonce" value="([^"]+)">/.exec(html)?.[1] ?? null
}

/** messageIds lists the ids of the messages shown (not removed ones), in page order. */
export function messageIds(html) {
  return [...html.matchAll(/<li class="message" id="message-([a-z0-9]+)"/g)].map((m) => m[1])
}

/** messageItem is the <li> of one message, or ''. */
export function messageItem(html, id) {
  return new RegExp(`<li class="message" id="message-${id}"[\\s\\S]*?</li>`).exec(html)?.[0] ?? ''
}

/** messageNumbers maps each message id shown to its data-number (its number in the room), in page order. */
export function messageNumbers(html) {
  return new Map([...html.matchAll(/<li class="message" id="message-([a-z0-9]+)"[^>]*\bdata-number="(\d+)"/g)].map((m) => [m[1], Number(m[2])]))
}

/** dataNumberOf reads a message fragment's data-number (its number in the room), or null. */
export function dataNumberOf(html) {
  const m = /\bdata-number="(\d+)"/.exec(html)
  return m ? Number(m[1]) : null
}

/** userIdIn reads the signed-in person's user id from a page (the layout's data-user), or null. */
export function userIdIn(html) {
  return /<body data-user="([a-z0-9]+)"/.exec(html)?.[1] ?? null
}

/** roomIdIn reads a room page's record id (the room's data-room), or null. */
export function roomIdIn(html) {
  return /<article class="room" id="room" data-room="([a-z0-9]+)"/.exec(html)?.[1] ?? null
}

/** liveAttributes reads a room page's realtime topic, position and the id of the event there. */
export function liveAttributes(html) {
  const m = /data-topic="([^"]+)" data-position="(\d+)" data-event="([a-z0-9]*)"/.exec(html)
  return m ? { topic: m[1], position: Number(m[2]), eventId: m[3] } : null
}

/** idOf reads the element id of a fragment ("message-<id>", "member-count"), or null. */
export function idOf(html) {
  const m = /^<[a-z]+\b[^>]*\bid="([^"]+)"/.exec(html)
  return m ? m[1] : null
}

/** messageEvents keeps the events that show a message (created or edited), not counts or removals. */
export function messageEvents(events) {
  return events.filter((e) => /^<li class="message" id="message-/.test(e.html))
}

/** messageChanges lists the messages a fragment shows or removes: { id, removed }, in order. */
export function messageChanges(html) {
  return [...html.matchAll(/<li class="message( removed)?" id="message-([a-z0-9]+)"/g)].map((m) => ({ id: m[2], removed: !!m[1] }))
}

/** mentionsOf reads the user ids a message fragment says it mentions (its data-mentions), in order. */
export function mentionsOf(html) {
  const m = /\bdata-mentions="([a-z0-9 ]*)"/.exec(html)
  if (!m) throw new Error('no data-mentions attribute')
  return m[1].split(' ').filter(Boolean)
}

/** messageBodyOf is the rendered body (inside <div class="body">) of a message fragment, or null. */
export function messageBodyOf(html) {
  return /<div class="body">([\s\S]*?)<\/div>/.exec(html)?.[1] ?? null
}

/**
 * timelineOf reads the messages list in order as days and messages: { day, label } for a day's
 * heading, { id, continued } for a message (continued: shown under the name above it).
 */
export function timelineOf(html) {
  const list = /<ol class="messages"[^>]*>([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? html
  return [...list.matchAll(/<li class="day" data-day="([\d-]+)"><h2 class="day-label"><time[^>]*>([^<]*)<\/time>|<li class="message" id="message-([a-z0-9]+)"([^>]*)>/g)]
    .map((m) => (m[1] ? { day: m[1], label: m[2] } : { id: m[3], continued: /\sdata-continued\b/.test(m[4]) }))
}

/**
 * hereNow reads a room's "Here now" (a page, or a presence event's html): the names it spells out,
 * how many people it counts, and its full text; null when there is none.
 */
export function hereNow(html) {
  const m = /<p id="presence" class="presence" data-people="(\d+)"[^>]*>([\s\S]*?)<\/p>/.exec(html)
  if (!m) return null
  const names = [...m[2].matchAll(/<span class="presence-person">([^<]*)<\/span>/g)].map((n) => n[1])
  return { count: Number(m[1]), names, text: m[2].replace(/<[^>]+>/g, '') }
}
