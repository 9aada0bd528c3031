// A plain view of PocketBase's request event, the part of the page context that describes the request.

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
 */
export function parseQuery(encoded: string): Record<string, string> {
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
    } catch {
      // a malformed escape: skip that field
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
    isHttps: !!r.tls || r.header.get('X-Forwarded-Proto') === 'https',
  }
}

/** formOf reads a urlencoded or multipart body as raw strings (never coerced to numbers). */
export function formOf(e: any): Record<string, string> {
  const r = e.request
  const type = String(r.header.get('Content-Type') || '')
  if (type.startsWith('multipart/form-data')) r.parseMultipartForm(1 << 20)
  else r.parseForm()
  return parseQuery(r.postForm.encode())
}
