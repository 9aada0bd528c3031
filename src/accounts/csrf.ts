// Cross-site request refusal for state-changing requests.
//
// The session cookie is SameSite=Lax, which already keeps it off cross-site POSTs; this check is the
// second lock: browsers say where a request came from in Sec-Fetch-Site and Origin, and a request
// that says neither is refused too, because every browser Hearth supports sends one of them.
import type { PageRequest } from '../runtime/request'

export function isCrossSite(request: PageRequest): boolean {
  const site = request.header('Sec-Fetch-Site')
  if (site) return site !== 'same-origin' && site !== 'none'
  const origin = request.header('Origin')
  if (!origin || origin === 'null') return true
  return origin.replace(/^https?:\/\//, '') !== request.host
}
