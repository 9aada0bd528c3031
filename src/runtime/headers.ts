// Security headers for every page Hearth renders.

// htmx runs without inline script or eval here: Hearth uses no hx-on attributes and turns off
// htmx's injected indicator styles (see +layout.ejs), so 'self' is enough everywhere.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

export function securityHeaders(e: any): void {
  const h = e.response.header()
  h.set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  h.set('X-Content-Type-Options', 'nosniff')
  h.set('Referrer-Policy', 'same-origin')
  h.set('X-Frame-Options', 'DENY')
}

/**
 * personalHeaders marks a response rendered for a signed-in person: no cache, shared or the
 * browser's own, may keep it (a page may still choose its own Cache-Control, as avatars do).
 */
export function personalHeaders(e: any): void {
  e.response.header().set('Cache-Control', 'private, no-store')
}
