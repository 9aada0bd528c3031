// Cross-site request refusal for state-changing requests.
//
// The session cookie is SameSite=Lax, which already keeps it off cross-site POSTs; this check is the
// second lock. Browsers say where a request came from in Sec-Fetch-Site and Origin: a request is
// refused when either says it came from elsewhere (an Origin is compared by scheme and host with
// the request's own, whatever Sec-Fetch-Site claims), and when it says neither, because every
// browser Hearth supports sends one of them.
import type { PageRequest } from '../runtime/request'

export function isCrossSite(request: PageRequest): boolean {
  const site = request.header('Sec-Fetch-Site')
  const origin = request.header('Origin')
  if (!site && !origin) return true
  if (site && site !== 'same-origin' && site !== 'none') return true
  if (origin && originOf(origin) !== ownOrigin(request)) return true
  return false
}

/** ownOrigin is the request's own scheme://host[:port], as a browser on this page would send it. */
function ownOrigin(request: PageRequest): string {
  return normalOrigin(request.isHttps ? 'https' : 'http', request.host)
}

/** originOf reads an Origin header; anything that is not scheme://host[:port] (such as "null") is "". */
function originOf(header: string): string {
  const m = /^(https?):\/\/([^/?#@\s]+)$/i.exec(header.trim())
  return m ? normalOrigin(m[1], m[2]) : ''
}

function normalOrigin(scheme: string, host: string): string {
  const s = scheme.toLowerCase()
  const h = host.toLowerCase().replace(s === 'https' ? /:443$/ : /:80$/, '')
  return `${s}://${h}`
}
