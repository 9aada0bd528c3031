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

/** roomTopicOf reads a room page's realtime topic and position. */
export function liveAttributes(html) {
  const m = /data-topic="([^"]+)" data-position="(\d+)"/.exec(html)
  return m ? { topic: m[1], position: Number(m[2]) } : null
}
