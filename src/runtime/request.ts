// A plain view of PocketBase's request event, the part of the page context that describes the request.
import { HttpError } from './context'

export interface PageRequest {
  method: string
  /** the URL path as the browser sent it, still percent-encoded: the router decodes each segment once */
  path: string
  /** path and query string as the browser sent them */
  url: string
  query: Record<string, string>
  header(name: string): string
  cookie(name: string): string | undefined
  /** true when htmx sent the request (it then swaps the response into the page) */
  isHtmx: boolean
  ip: string
  /** host:port the browser asked for */
  host: string
  isHttps: boolean
}

/**
 * parseQuery reads an application/x-www-form-urlencoded string, keeping the first value of each key.
 * Go's url.Values reach goja as an object of its methods, so Hearth reads their encode()d form.
 * A field that cannot be decoded (a malformed escape, bytes that are not UTF-8) is skipped, or with
 * strict set, throws a URIError.
 */
export function parseQuery(encoded: string, strict = false): Record<string, string> {
  const out: Record<string, string> = {}
  if (!encoded) return out
  for (const pair of encoded.split('&')) {
    if (!pair) continue
    const eq = pair.indexOf('=')
    const rawKey = eq === -1 ? pair : pair.slice(0, eq)
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1)
    try {
      const key = decodeURIComponent(rawKey.replace(/\+/g, ' '))
      if (!(key in out)) out[key] = decodeURIComponent(rawValue.replace(/\+/g, ' '))
    } catch (err) {
      if (strict) throw err
    }
  }
  return out
}

export function requestOf(e: any): PageRequest {
  const r = e.request
  const rawQuery: string = r.url.rawQuery
  // url.path is already decoded; decoding it again in the router would turn "%2575" into "u"
  const path = String(r.url.escapedPath())
  return {
    method: String(r.method).toUpperCase(),
    path,
    url: rawQuery ? `${path}?${rawQuery}` : path,
    query: parseQuery(rawQuery),
    header: (name) => String(r.header.get(name) || ''),
    cookie(name) {
      try {
        return r.cookie(name).value
      } catch {
        return undefined
      }
    },
    isHtmx: r.header.get('HX-Request') === 'true',
    ip: e.realIP(),
    host: String(r.host),
    isHttps: !!r.tls || forwardedProto(e) === 'https',
  }
}

/**
 * forwardedProto is the scheme a trusted proxy says the browser used (X-Forwarded-Proto), or ''.
 * It is trusted the way PocketBase's e.realIP() trusts a proxy's address header: only when the
 * operator configured trusted proxy headers (Settings -> TrustedProxy) and this request carries one
 * of them, i.e. it came through that proxy. Like realIP() it reads the header's last value and, in
 * a list, the rightmost entry (the leftmost with "use leftmost IP").
 */
function forwardedProto(e: any): string {
  const proxy = $app.settings().trustedProxy
  const trusted: string[] = [...(proxy.headers || [])]
  const header = e.request.header
  const lastValue = (name: string): string => {
    const values: string[] = [...(header.values(name) || [])]
    return values.length ? String(values[values.length - 1]).trim() : ''
  }
  if (!trusted.some((name) => lastValue(name) !== '')) return ''
  const list = lastValue('X-Forwarded-Proto').split(',').map((p) => p.trim().toLowerCase()).filter(Boolean)
  if (!list.length) return ''
  return proxy.useLeftmostIP ? list[0] : list[list.length - 1]
}

/** FORM_LIMIT is the largest form body a page accepts: Hearth's forms are a few hundred bytes. */
export const FORM_LIMIT = 64 << 10

/**
 * formOf reads a urlencoded or multipart body as raw strings (never coerced to numbers); the files
 * of a multipart body stay in the request (e.findUploadedFiles). A body that cannot be read (a
 * malformed escape, a cut-off multipart body, text that is not UTF-8) is a 400, and one over limit
 * a 413, whether it said its length or came chunked.
 */
export function formOf(e: any, limit = FORM_LIMIT): Record<string, string> {
  const r = e.request
  if (r.contentLength > limit) throw tooLarge(limit)
  $limitBody(e, limit)
  const type = String(r.header.get('Content-Type') || '')
  // Go's parser reads the query string too and fails the whole form over a bad escape there; the
  // query is read (leniently) by requestOf, so the parser sees the body alone
  const rawQuery = r.url.rawQuery
  r.url.rawQuery = ''
  try {
    if (type.startsWith('multipart/form-data')) r.parseMultipartForm(1 << 20)
    else r.parseForm()
  } catch (err) {
    if (/too large/i.test(String(err))) throw tooLarge(limit)
    throw new HttpError(400, 'This form could not be read: it was malformed or cut off on the way. Please try again.')
  } finally {
    r.url.rawQuery = rawQuery
  }
  try {
    return parseQuery(r.postForm.encode(), true)
  } catch {
    throw new HttpError(400, 'This form could not be read: some of its text is not valid UTF-8.')
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, `This form is too large: at most ${limit >> 10} KB can be sent.`)
}
