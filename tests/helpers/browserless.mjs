// A person using Hearth without a browser: a cookie jar over fetch that posts forms the way a
// browser does (same-origin Origin header) and never follows redirects by itself; and the same
// post over node:http, for what fetch cannot do (choose the local address, send raw bytes).
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'

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

  async request(method, path, { form, multipart, headers = {}, origin = this.server.url } = {}) {
    const init = { method, redirect: 'manual', headers: { ...headers } }
    if (this.cookies.size) init.headers.Cookie = this.cookieHeader()
    if (multipart) {
      init.body = multipart // a FormData: fetch writes its Content-Type with the boundary
    } else if (form) {
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

  /** upload posts a multipart form (a FormData), as a form with a file input does */
  upload(path, formData, opts = {}) {
    return this.request('POST', path, { ...opts, multipart: formData })
  }

  /** htmx sends HX-Request; Hearth answers with fragments */
  htmxPost(path, form) {
    return this.request('POST', path, { form, headers: { 'HX-Request': 'true' } })
  }

  get sessionToken() {
    return this.cookies.get('hearth_session')
  }
}

/** uniqueName is a username (or, with another prefix, a room name) no other test uses. */
export function uniqueName(prefix = 'user') {
  return `${prefix}_${randomBytes(4).toString('hex')}`
}

/** uniqueText is a message body no other test posts, e.g. "fan-out 1a2b3c4d". */
export const uniqueText = (label) => `${label} ${randomBytes(4).toString('hex')}`

/** nonce is a fresh one-time token for the message form. */
export const nonce = () => randomBytes(8).toString('hex')

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

/**
 * logIn signs an existing person in through the log-in form as a new Visitor (another browser or
 * device of theirs). Options: password, headers (e.g. a User-Agent).
 */
export async function logIn(server, username, { password = PASSWORD, headers } = {}) {
  const v = new Visitor(server)
  const res = await v.post('/login', { username, password }, { headers })
  if (res.status !== 303) throw new Error(`log-in of ${username} failed with ${res.status}: ${res.text.slice(0, 300)}`)
  v.username = username
  return v
}

/** sessionCookieLine is the Set-Cookie line of the session cookie in a response, or ''. */
export function sessionCookieLine(res) {
  return res.headers.getSetCookie().find((c) => c.startsWith('hearth_session=')) ?? ''
}

/** postMessage posts through the room's form (a fresh one-time token each time) and returns the message id. */
export async function postMessage(visitor, slug, body, token = nonce()) {
  const res = await visitor.post(`/rooms/${slug}/messages`, { body, nonce: token })
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

/**
 * rawPost posts over node:http the way a browser does (same-origin Origin header, the visitor's
 * cookie). body is a form ({ name: value }) or the raw bytes to send (a string or a Buffer).
 * Options: type (Content-Type), headers, cookie, localAddress (e.g. '127.0.0.2'), chunked (no
 * Content-Length: Transfer-Encoding: chunked). Resolves with { status, text, type, location }.
 */
export function rawPost(server, path, body, { type = 'application/x-www-form-urlencoded', headers = {}, cookie, localAddress, chunked = false } = {}) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : new URLSearchParams(body).toString())
  return new Promise((resolve, reject) => {
    let answered = false
    const req = request({
      host: '127.0.0.1',
      port: server.port,
      path,
      method: 'POST',
      headers: {
        'Content-Type': type,
        Origin: server.url,
        ...(chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': bytes.length }),
        ...(cookie ? { Cookie: cookie } : {}),
        ...headers,
      },
      ...(localAddress ? { localAddress } : {}),
    }, (res) => {
      answered = true
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d) => { text += d })
      res.on('end', () => resolve({ status: res.statusCode, text, type: String(res.headers['content-type'] || ''), location: res.headers.location }))
    })
    // the server may answer (and close) before it has read a body that is too large
    req.on('error', (err) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? null : reject(err)))
    // (a moment later: an answer read before the close may still be on its way to the callback)
    req.on('close', () => setTimeout(() => answered || reject(new Error(`POST ${path}: closed without an answer`)), 100))
    if (chunked) {
      for (let i = 0; i < bytes.length; i += 8192) req.write(bytes.subarray(i, i + 8192))
      req.end()
    } else {
      req.end(bytes)
    }
  })
}
