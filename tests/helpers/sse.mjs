// Realtime clients for tests, one family over one SSE reader:
// - RawSse: one PocketBase realtime connection over node:http that records every event whatever
//   its name (PB_CONNECT and the relay's keep-alive too), from any local address, with any
//   headers; a refused connection tells its status and body.
// - Subscriber: a RawSse as a browser tab's connection is one: the visitor's session cookie,
//   rooms followed through Hearth's own subscribe route, the room events' JSON parsed.
// - LiveTab: what hearth-realtime.js does in a browser: reconnects, subscribes on every
//   PB_CONNECT, applies events once and in order, and catches up after a reconnect or a gap.
// The eventsource package is not used here: it hides every event name it was not told about, the
// status of a refused connection and the address it connects from, which these tests check.
import { request } from 'node:http'
import { liveAttributes, messageChanges } from './markup.mjs'

/** RawSse is one PocketBase realtime connection that records every event it gets. */
export class RawSse {
  /**
   * @param server a started server ({ port })
   * @param options cookie (a Cookie header), headers, localAddress (e.g. '127.0.0.2')
   */
  constructor(server, { cookie, headers = {}, localAddress } = {}) {
    this.server = server
    this.cookie = cookie
    this.headers = headers
    this.localAddress = localAddress
    this.events = [] // { name, data, at }, PB_CONNECT included
    this.listeners = [] // [name, fn(event)]: called as each event arrives, before the waiters
    this.waiters = []
    this.clientId = null
    this.closed = false
    /** ended resolves once the connection is over: closed by either side, refused, or never made. */
    this.ended = new Promise((resolve) => { this.end = resolve })
  }

  /**
   * connect opens the stream and resolves with the client id from PB_CONNECT. A refusal rejects
   * with an error that has the answer's status, type and text ("SSE answered 429").
   */
  connect(ms = 5000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no PB_CONNECT')), ms)
      const headers = { Accept: 'text/event-stream', ...this.headers }
      if (this.cookie) headers.Cookie = this.cookie
      this.req = request({
        host: '127.0.0.1',
        port: this.server.port,
        path: '/api/realtime',
        method: 'GET',
        headers,
        ...(this.localAddress ? { localAddress: this.localAddress } : {}),
      }, (res) => {
        res.on('close', () => this.#over())
        res.setEncoding('utf8')
        if (res.statusCode !== 200) {
          clearTimeout(timer)
          let text = ''
          res.on('data', (d) => { text += d })
          res.on('end', () => reject(Object.assign(new Error(`SSE answered ${res.statusCode}`), {
            status: res.statusCode, type: res.headers['content-type'], text,
          })))
          return
        }
        let buffer = ''
        res.on('data', (chunk) => {
          buffer += chunk
          let end
          while ((end = buffer.search(/\r?\n\r?\n/)) !== -1) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '')
            const event = parseBlock(block)
            if (!event) continue
            const recorded = { ...event, at: performance.now() }
            this.events.push(recorded)
            if (event.name === 'PB_CONNECT' && !this.clientId) {
              this.clientId = JSON.parse(event.data).clientId
              clearTimeout(timer)
              resolve(this.clientId)
            }
            for (const [name, fn] of this.listeners) if (name === event.name) fn(recorded)
            this.waiters = this.waiters.filter((w) => !w())
          }
        })
      })
      this.req.on('error', (err) => {
        this.#over()
        clearTimeout(timer)
        if (!this.clientId) reject(err)
      })
      this.req.end()
    })
  }

  #over() {
    this.closed = true
    this.end()
  }

  /** listen calls fn(event) for each event of this name from now on. */
  listen(name, fn) {
    this.listeners.push([name, fn])
  }

  /**
   * received lists the events other than PB_CONNECT, the relay's keep-alive and a room's "Here now"
   * (which every follow and departure sends: see presence()).
   */
  received() {
    return this.events.filter((e) => e.name !== 'PB_CONNECT' && e.name !== 'hearth:ping' && !isPresence(e))
  }

  /** named lists the events of one name, their JSON data parsed, "Here now" left out. */
  named(name) {
    return this.events.filter((e) => e.name === name && !isPresence(e)).map((e) => ({ name, ...JSON.parse(e.data), at: e.at }))
  }

  /** presence lists the "Here now" lists the topic's room sent, parsed, oldest first. */
  presence(topic) {
    return this.events.filter((e) => e.name === topic && isPresence(e)).map((e) => ({ ...JSON.parse(e.data), at: e.at }))
  }

  /** waitFor resolves with this connection when predicate(this) holds, or rejects after ms. */
  waitFor(predicate, ms = 5000) {
    return waitUntil(this, () => predicate(this), () => this, ms,
      () => `got ${this.events.length} events: ${this.events.map((e) => e.name).join(', ')}`)
  }

  close() {
    this.req?.destroy()
  }
}

/** isPresence: a room's "Here now" (src/server/relay/presence.html), not one of its events. */
export function isPresence(event) {
  if (!event.name.startsWith('rooms/')) return false
  try {
    return String(JSON.parse(event.data).html).startsWith('<p id="presence"')
  } catch {
    return false
  }
}

function parseBlock(block) {
  let name = 'message'
  const data = []
  let any = false
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') name = value
    else if (field === 'data') data.push(value)
    any = true
  }
  return any ? { name, data: data.join('\n') } : null
}

/** waitUntil registers a waiter on sse (checked after every event) until holds() is true. */
function waitUntil(sse, holds, value, ms, describe) {
  if (holds()) return Promise.resolve(value())
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out; ${describe()}`)), ms)
    sse.waiters.push(() => {
      if (!holds()) return false
      clearTimeout(timer)
      resolve(value())
      return true
    })
  })
}

/**
 * Subscriber is a live connection as a browser tab opens one: the visitor's session cookie, rooms
 * followed through Hearth's /realtime/subscriptions. Its events are the room events' payloads,
 * { topic, seq, id, html, at }, in arrival order.
 */
export class Subscriber {
  constructor(visitor) {
    this.visitor = visitor
    this.events = []
  }

  /** connect opens the stream (with the cookie the visitor has now) and resolves with the client id. */
  async connect() {
    this.sse = new RawSse(this.visitor.server, { cookie: this.visitor.cookieHeader() })
    this.clientId = await this.sse.connect()
    return this.clientId
  }

  /** closed is true once the connection is over (the server ended it, or close()); ended resolves then. */
  get closed() {
    return this.sse.closed
  }

  get ended() {
    return this.sse.ended
  }

  /** listen records the events of a topic (call before they are sent). */
  listen(topic) {
    this.sse.listen(topic, (e) => isPresence(e) || this.events.push({ topic, ...JSON.parse(e.data), at: e.at }))
  }

  /** subscribe asks Hearth's route to follow the topics; returns the HTTP response. */
  async subscribe(topics) {
    for (const t of topics) this.listen(t)
    return this.visitor.post('/realtime/subscriptions', { clientId: this.clientId, topics: topics.join(' ') })
  }

  /** waitFor resolves with the events when predicate(events) holds, or rejects after ms. */
  waitFor(predicate, ms = 5000) {
    return waitUntil(this.sse, () => predicate(this.events), () => this.events, ms, () => `got ${this.events.length} events`)
  }

  close() {
    this.sse?.close()
  }
}

/**
 * LiveTab follows one room the way hearth-realtime.js does in a browser: it subscribes on every
 * PB_CONNECT, applies each positioned event once and in order, and after a reconnect or a gap
 * replays what it missed from the room's history, saying which event it saw last. Its `messages`
 * (id -> html) is what the tab would show; `reloads` counts the times the server told it to reload.
 */
export class LiveTab {
  constructor(visitor, slug) {
    this.visitor = visitor
    this.slug = slug
    this.messages = new Map()
    this.reloads = 0
    this.busy = false
    this.waiting = []
    this.closed = false
  }

  /** open reads the room page's live attributes (the room must be empty) and connects. */
  async open() {
    const page = await this.visitor.get(`/rooms/${this.slug}`)
    const live = liveAttributes(page.text)
    if (!live) throw new Error(`room ${this.slug} is not live (status ${page.status})`)
    Object.assign(this, live)
    this.connect()
  }

  /** connect opens a connection and, like a browser's EventSource, opens another 200 ms after it ends. */
  connect() {
    if (this.closed) return
    const sse = new RawSse(this.visitor.server, { cookie: this.visitor.cookieHeader() })
    this.sse = sse
    sse.listen('PB_CONNECT', async (e) => {
      const { clientId } = JSON.parse(e.data)
      try {
        const res = await this.visitor.post('/realtime/subscriptions', { clientId, topics: this.topic })
        if (res.status === 200) await this.catchUp()
      } catch {
        // the server went away again: the next PB_CONNECT subscribes
      }
    })
    sse.listen(this.topic, (e) => this.receive(JSON.parse(e.data)))
    sse.connect().catch(() => {}) // refused or unreachable: ended says so, and it tries again
    sse.ended.then(() => setTimeout(() => this.sse === sse && this.connect(), 200))
  }

  receive(event) {
    if (!event.seq) return // not the room's history ("Here now")
    if (this.busy) return this.waiting.push(event)
    if (event.seq <= this.position) return
    if (event.seq === this.position + 1) return this.advance(event)
    this.waiting.push(event)
    this.catchUp().catch(() => {})
  }

  async catchUp() {
    if (this.busy) return
    this.busy = true
    try {
      const res = await this.visitor.get(`/rooms/${this.slug}/events?after=${this.position}&event=${this.eventId}`)
      if (res.status !== 200) throw new Error(`catch-up ${res.status}`)
      const data = JSON.parse(res.text)
      if (data.reload) {
        this.reloads++
        return
      }
      for (const event of data.events) if (event.seq > this.position) this.advance(event)
      const waiting = this.waiting.sort((a, b) => a.seq - b.seq)
      this.waiting = []
      for (const event of waiting) if (event.seq > this.position) this.advance(event)
    } finally {
      this.busy = false
    }
  }

  advance(event) {
    for (const { id, removed } of messageChanges(event.html)) {
      if (removed) this.messages.delete(id)
      else this.messages.set(id, event.html.trim())
    }
    this.position = event.seq
    this.eventId = event.id
  }

  close() {
    this.closed = true
    this.sse?.close()
  }
}

/**
 * apiRealtimeSubscribe sets a client's subscriptions through PocketBase's own POST /api/realtime,
 * optionally authenticated with a REST token (Authorization header). Returns { status, text }.
 */
export async function apiRealtimeSubscribe(server, clientId, subscriptions, { token } = {}) {
  const headers = { 'Content-Type': 'application/json' }
  if (token) headers.Authorization = token
  const res = await fetch(`${server.url}/api/realtime`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ clientId, subscriptions }),
  })
  return { status: res.status, text: await res.text() }
}

/**
 * followRoom opens a raw SSE connection with the visitor's cookie and subscribes it to the topic
 * through Hearth's route, as a tab does; the connection is added to `open` (to close after).
 */
export async function followRoom(server, visitor, topic, open = []) {
  const sse = new RawSse(server, { cookie: visitor.cookieHeader() })
  open.push(sse)
  await sse.connect()
  const res = await visitor.post('/realtime/subscriptions', { clientId: sse.clientId, topics: topic })
  if (res.status !== 200) throw new Error(`subscribing to ${topic}: ${res.status} ${res.text.slice(0, 200)}`)
  return sse
}
