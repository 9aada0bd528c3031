// A person using Hearth without a browser: a cookie jar over fetch that posts forms the way a
// browser does (same-origin Origin header) and never follows redirects by itself.
import { randomBytes } from 'node:crypto'

export class Visitor {
  constructor(server) {
    this.server = server
    this.cookies = new Map()
    this.username = null
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  remember(res) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const eq = pair.indexOf('=')
      const name = pair.slice(0, eq).trim()
      const value = pair.slice(eq + 1).trim()
      const expired = attrs.some((a) => /max-age=(-|0\b)/i.test(a.trim())) || value === ''
      if (expired) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  async request(method, path, { form, headers = {}, origin = this.server.url } = {}) {
    const init = { method, redirect: 'manual', headers: { ...headers } }
    if (this.cookies.size) init.headers.Cookie = this.cookieHeader()
    if (form) {
      init.body = new URLSearchParams(form).toString()
      init.headers['Content-Type'] = 'application/x-www-form-urlencoded'
    }
    if (method !== 'GET' && origin) init.headers.Origin = origin
    let res
    try {
      res = await fetch(this.server.url + path, init)
    } catch (err) {
      // undici's "fetch failed" hides why: say it
      throw new Error(`${method} ${path}: ${err.message} (${err.cause?.code ?? ''} ${err.cause?.message ?? ''})`, { cause: err })
    }
    this.remember(res)
    const text = await res.text()
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') }
  }

  get(path, opts) {
    return this.request('GET', path, opts)
  }

  post(path, form, opts = {}) {
    return this.request('POST', path, { ...opts, form })
  }

  /** htmx sends HX-Request; Hearth answers with fragments */
  htmxPost(path, form) {
    return this.request('POST', path, { form, headers: { 'HX-Request': 'true' } })
  }

  get sessionToken() {
    return this.cookies.get('hearth_session')
  }
}

export function uniqueName(prefix = 'user') {
  return `${prefix}_${randomBytes(4).toString('hex')}`
}

export const PASSWORD = 'correct-horse-battery'

/** signUp makes a new account through the sign-up page and returns its signed-in Visitor. */
export async function signUp(server, username = uniqueName()) {
  const v = new Visitor(server)
  const res = await v.post('/signup', { username, password: PASSWORD, passwordConfirm: PASSWORD })
  if (res.status !== 303) throw new Error(`sign-up of ${username} failed with ${res.status}: ${res.text.slice(0, 500)}`)
  v.username = username
  return v
}

/** createRoom makes a room through the room list's form and returns its slug. */
export async function createRoom(visitor, { name, kind = 'public', slug } = {}) {
  const roomName = name ?? uniqueName('room').replace(/_/g, '-')
  const res = await visitor.post('/rooms', { name: roomName, kind, ...(slug ? { slug } : {}) })
  if (res.status !== 303) throw new Error(`room creation failed with ${res.status}: ${res.text.slice(0, 500)}`)
  return res.location.replace(/^.*\/rooms\//, '')
}

/** postMessage posts through the room's form (a fresh one-time token each time) and returns the message id. */
export async function postMessage(visitor, slug, body, nonce = randomBytes(8).toString('hex')) {
  const res = await visitor.post(`/rooms/${slug}/messages`, { body, nonce })
  if (res.status !== 303) throw new Error(`post failed with ${res.status}: ${res.text.slice(0, 500)}`)
  return res.location.split('#message-')[1]
}

/** apiToken logs in through PocketBase's REST API, for checks of what the API reveals. */
export async function apiToken(server, username, password = PASSWORD) {
  const res = await fetch(`${server.url}/api/collections/users/auth-with-password`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identity: username, password }),
  })
  if (!res.ok) throw new Error(`auth-with-password failed: ${res.status} ${await res.text()}`)
  return (await res.json()).token
}

/** messageIds lists the message ids on a page, in page order. */
export function messageIds(html) {
  return [...html.matchAll(/<li class="message" id="message-([a-z0-9]+)"/g)].map((m) => m[1])
}
