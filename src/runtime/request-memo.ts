// Values a page request reads at most once, however many times its code asks (the site's
// settings: a post asked three times). servePage opens a scope for each request and closes it at
// the end; outside a page (record hooks, cron jobs, which run in other JS runtimes) nothing is
// kept and every call loads afresh.
let scope: Map<string, unknown> | null = null

/** openScope starts a request's memo; closeScope ends it. */
export function openScope(): void {
  scope = new Map()
}

export function closeScope(): void {
  scope = null
}

/** once returns what load gave earlier in this request, or loads it now. */
export function once<T>(key: string, load: () => T): T {
  if (!scope) return load()
  if (!scope.has(key)) scope.set(key, load())
  return scope.get(key) as T
}

/** withinRequest runs fn as one request (a REST request's hook): what it reads, it reads once. */
export function withinRequest<T>(fn: () => T): T {
  const outer = scope
  openScope()
  try {
    return fn()
  } finally {
    scope = outer
  }
}

/** forget drops a value this request changed, so the next ask loads it again. */
export function forget(key: string): void {
  scope?.delete(key)
}
