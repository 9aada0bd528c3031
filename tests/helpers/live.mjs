// A live subscriber as a browser tab is one: PocketBase's SSE stream, subscribed to rooms through
// Hearth's own route with the visitor's session cookie.
import { EventSource } from 'eventsource'

export class Subscriber {
  constructor(visitor) {
    this.visitor = visitor
    this.events = [] // { topic, seq, html, at }
    this.waiters = []
    this.clientId = null
  }

  /** connect opens the stream and resolves with the PocketBase client id. */
  connect() {
    const cookie = this.visitor.cookieHeader()
    this.source = new EventSource(`${this.visitor.server.url}/api/realtime`, {
      fetch: (url, init) => fetch(url, { ...init, headers: { ...init.headers, ...(cookie ? { Cookie: cookie } : {}) } }),
    })
    return new Promise((resolve, reject) => {
      this.source.addEventListener('PB_CONNECT', (e) => {
        this.clientId = JSON.parse(e.data).clientId
        resolve(this.clientId)
      })
      this.source.onerror = (err) => {
        if (!this.clientId) reject(new Error(`SSE failed: ${err.message ?? err.code}`))
      }
    })
  }

  /** listen records the events of a topic (call before they are sent). */
  listen(topic) {
    this.source.addEventListener(topic, (e) => {
      const payload = JSON.parse(e.data)
      this.events.push({ topic, ...payload, at: performance.now() })
      this.waiters = this.waiters.filter((w) => !w())
    })
  }

  /** subscribe asks Hearth's route to follow the topics; returns the HTTP response. */
  async subscribe(topics) {
    for (const t of topics) this.listen(t)
    return this.visitor.post('/realtime/subscriptions', { clientId: this.clientId, topics: topics.join(' ') })
  }

  /** waitFor resolves when predicate(events) holds, or rejects after ms. */
  waitFor(predicate, ms = 5000) {
    if (predicate(this.events)) return Promise.resolve(this.events)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; got ${this.events.length} events`)), ms)
      this.waiters.push(() => {
        if (!predicate(this.events)) return false
        clearTimeout(timer)
        resolve(this.events)
        return true
      })
    })
  }

  close() {
    this.source?.close()
  }
}

/** liveAttributes reads a room page's realtime topic, position and the id of the event there. */
export function liveAttributes(html) {
  const m = /data-topic="([^"]+)" data-position="(\d+)" data-event="([a-z0-9]*)"/.exec(html)
  return m ? { topic: m[1], position: Number(m[2]), eventId: m[3] } : null
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

  connect() {
    if (this.closed) return
    const cookie = this.visitor.cookieHeader()
    const source = new EventSource(`${this.visitor.server.url}/api/realtime`, {
      fetch: (url, init) => fetch(url, { ...init, headers: { ...init.headers, Cookie: cookie } }),
    })
    this.source = source
    source.addEventListener('PB_CONNECT', async (e) => {
      const { clientId } = JSON.parse(e.data)
      try {
        const res = await this.visitor.post('/realtime/subscriptions', { clientId, topics: this.topic })
        if (res.status === 200) await this.catchUp()
      } catch {
        // the server went away again: the next PB_CONNECT subscribes
      }
    })
    source.addEventListener(this.topic, (e) => this.receive(JSON.parse(e.data)))
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED || this.closed) return
      setTimeout(() => this.source === source && this.connect(), 200)
    }
  }

  receive(event) {
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
    for (const m of event.html.matchAll(/<li class="message( removed)?" id="message-([a-z0-9]+)"/g)) {
      if (m[1]) this.messages.delete(m[2])
      else this.messages.set(m[2], event.html.trim())
    }
    this.position = event.seq
    this.eventId = event.id
  }

  close() {
    this.closed = true
    this.source?.close()
  }
}
