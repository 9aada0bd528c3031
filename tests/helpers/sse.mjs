// Low-level realtime access for tests that must see everything a connection receives: a raw SSE
// reader over node:http (any local address, any headers, every event whatever its name), and
// PocketBase's own subscribe endpoint, which Hearth's pages do not use but anyone can call.
import { request } from 'node:http'

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
    this.waiters = []
    this.clientId = null
    this.closed = false
  }

  /** connect opens the stream and resolves with the client id from PB_CONNECT. */
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
        if (res.statusCode !== 200) {
          clearTimeout(timer)
          reject(new Error(`SSE answered ${res.statusCode}`))
          res.resume()
          return
        }
        res.setEncoding('utf8')
        let buffer = ''
        res.on('data', (chunk) => {
          buffer += chunk
          let end
          while ((end = buffer.search(/\r?\n\r?\n/)) !== -1) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '')
            const event = parseBlock(block)
            if (!event) continue
            this.events.push({ ...event, at: performance.now() })
            if (event.name === 'PB_CONNECT' && !this.clientId) {
              this.clientId = JSON.parse(event.data).clientId
              clearTimeout(timer)
              resolve(this.clientId)
            }
            this.waiters = this.waiters.filter((w) => !w())
          }
        })
        res.on('close', () => { this.closed = true })
      })
      this.req.on('error', (err) => {
        this.closed = true
        clearTimeout(timer)
        if (!this.clientId) reject(err)
      })
      this.req.end()
    })
  }

  /** received lists the events other than PB_CONNECT and the relay's keep-alive. */
  received() {
    return this.events.filter((e) => e.name !== 'PB_CONNECT' && e.name !== 'hearth:ping')
  }

  /** named lists the events of one name, their JSON data parsed. */
  named(name) {
    return this.events.filter((e) => e.name === name).map((e) => ({ name, ...JSON.parse(e.data), at: e.at }))
  }

  waitFor(predicate, ms = 5000) {
    if (predicate(this)) return Promise.resolve(this)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out; got ${this.events.length} events: ${this.events.map((e) => e.name).join(', ')}`)), ms)
      this.waiters.push(() => {
        if (!predicate(this)) return false
        clearTimeout(timer)
        resolve(this)
        return true
      })
    })
  }

  close() {
    this.req?.destroy()
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
 * rawPost posts a form over node:http from a chosen local address (fetch cannot pick one),
 * the way a browser does: same-origin Origin header, the visitor's cookie.
 */
export function rawPost(server, path, form, { cookie, localAddress } = {}) {
  const body = new URLSearchParams(form).toString()
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: server.port,
      path,
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'Content-Length': Buffer.byteLength(body),
        Origin: server.url,
        ...(cookie ? { Cookie: cookie } : {}),
      },
      ...(localAddress ? { localAddress } : {}),
    }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d) => { text += d })
      res.on('end', () => resolve({ status: res.statusCode, text, location: res.headers.location }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** sleep, for the quiet periods that show nothing more arrives */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** messageEvents keeps the events that show a message (created or edited), not counts or removals. */
export function messageEvents(events) {
  return events.filter((e) => /^<li class="message" id="message-/.test(e.html))
}

/** idOf reads the element id of a fragment ("message-<id>", "member-count"). */
export function idOf(html) {
  const m = /^<[a-z]+\b[^>]*\bid="([^"]+)"/.exec(html)
  return m ? m[1] : null
}

/** dataNumberOf reads a message fragment's data-number (its number in the room). */
export function dataNumberOf(html) {
  const m = /\bdata-number="(\d+)"/.exec(html)
  return m ? Number(m[1]) : null
}
