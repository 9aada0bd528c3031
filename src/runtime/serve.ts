// The page handler: every GET and POST outside PocketBase's own routes comes through here.
import { matchRoute, isPrivatePath, isReserved } from './routes'
import { routes, layoutsFor, handlerFor, pageFile, pagesRoot, errorPageFor } from './pages'
import { renderFile, fileExists } from './templates'
import { requestOf, formOf, FORM_LIMIT, type PageRequest } from './request'
import { newContext, Halt, HttpError, JsonAnswer, type PageContext, type ResponseState } from './context'
import { securityHeaders, personalHeaders } from './headers'
import type { Route } from './routes'
import { join } from './paths'
import { theApp } from './app'
import { newCapture, type Capture } from './capture'
import { LimitError } from './limits'
import { keptValues } from './forms'
import { openScope, closeScope } from './request-memo'

const STATE_CHANGING = ['POST', 'PUT', 'PATCH', 'DELETE']

/** servePage answers a request with the page that matches it, a static file, or an error page. */
export function servePage(e: any): void {
  openScope()
  try {
    answer(e)
  } finally {
    closeScope()
  }
}

function answer(e: any): void {
  securityHeaders(e)
  const request = requestOf(e)
  let ctx: PageContext | null = null
  let route: Route | null = null
  if (isReserved(request.path)) {
    // an /api/ or /_/ URL PocketBase has no route for: answer the way PocketBase does
    e.json(404, { status: 404, message: 'The requested resource wasn\'t found.', data: {} })
    return
  }
  try {
    const app = theApp()
    if (STATE_CHANGING.includes(request.method) && app.isCrossSite(request)) {
      throw new HttpError(403, 'This request came from another site and was refused.')
    }
    const match = matchRoute(routes(), request.path)
    if (!match) {
      if (request.method === 'GET' || request.method === 'HEAD') {
        if (serveStatic(e, request)) return
      }
      throw new HttpError(404, 'There is no page at this address.')
    }
    route = match.route
    const params = match.params
    const user = app.currentUser(e, request)
    if (user) personalHeaders(e)
    const method = request.method === 'HEAD' ? 'get' : request.method.toLowerCase()
    const handler = handlerFor(route, method)
    if (!handler && (method !== 'get' || !route.file)) refuseMethod(e, route)
    let form: Record<string, string> = {}
    let tooLarge: HttpError | null = null
    try {
      if (STATE_CHANGING.includes(request.method)) form = formOf(e, bodyLimitOf(handler, app.helpers))
    } catch (err) {
      // a page that says how to show it (tooLarge) answers an oversized body itself
      if (!(err instanceof HttpError && err.status === 413 && typeof handler?.tooLarge === 'function')) throw err
      tooLarge = err
    }
    const made = newContext(e, request, params, user, form, app.helpers)
    ctx = made.ctx
    const capture = newCapture()
    Object.assign(ctx, app.contextual(ctx), { event: e, sseSend: capture.sseSend, __sseSendAt: capture.__sseSendAt })
    if (tooLarge && handler?.tooLarge) {
      made.state.status = 413
      ctx.data = handler.tooLarge(ctx, tooLarge.message) || {}
    } else if (handler) ctx.data = method === 'get' ? handler(ctx) || {} : runMethod(handler, ctx, made.state)
    if (made.state.json) {
      respondJson(e, made.state.json)
      return
    }
    if (!route.file) throw new Error(`${handlerName(route, method)} answered nothing: a route without a page must redirect or return ctx.json(...)`)
    const html = render(pageFile(route), layoutsFor(route), ctx, made.state, capture)
    respond(e, made.state, html)
  } catch (err) {
    if (err instanceof Halt) {
      if (err.location) e.redirect(err.status, err.location)
      return
    }
    renderError(e, request, ctx, route, err)
  }
}

/**
 * A handler may export tooLarge(ctx, message), run in its place when the body is over its limit
 * (413): it returns the page's data, such as the form with the reason beside the file field,
 * instead of the error page. It must check who may see the page, as the handler does.
 *
 * bodyLimitOf is the largest body a handler reads: its own bodyLimit (bytes, or a function of the
 * app's helpers), such as an upload's, else FORM_LIMIT.
 */
function bodyLimitOf(handler: any, helpers: Record<string, unknown>): number {
  const limit = handler?.bodyLimit
  return typeof limit === 'function' ? limit(helpers) : typeof limit === 'number' ? limit : FORM_LIMIT
}

/**
 * runMethod runs a POST (or other method) handler. Over a limit with a form field, the page is
 * shown again with 429, what was typed (passwords aside) and the message beside that field.
 */
function runMethod(loader: (ctx: PageContext) => any, ctx: PageContext, state: ResponseState): Record<string, any> {
  try {
    return loader(ctx) || {}
  } catch (err) {
    if (!(err instanceof LimitError) || !err.field) throw err
    state.status = 429
    return { errors: { [err.field]: err.message }, values: keptValues(ctx.form) }
  }
}

/** refuseMethod answers 405, saying in Allow which methods the route has handlers (or a page) for. */
function refuseMethod(e: any, route: Route): never {
  const allowed = ['get', 'post', 'put', 'patch', 'delete'].filter((m) => handlerFor(route, m) || (m === 'get' && route.file))
  const methods = allowed.flatMap((m) => (m === 'get' ? ['GET', 'HEAD'] : [m.toUpperCase()]))
  e.response.header().set('Allow', methods.join(', '))
  throw new HttpError(405, 'This page does not accept that kind of request.')
}

function handlerName(route: Route, method: string): string {
  return [...route.folders, `+${method}.js`].join('/')
}

/** respondJson writes a handler's JSON answer; it is never cached (it is live state, or personal). */
function respondJson(e: any, answer: JsonAnswer): void {
  const h = e.response.header()
  h.set('Content-Type', 'application/json')
  if (!/no-store/.test(h.get('Cache-Control'))) h.set('Cache-Control', 'no-store')
  e.string(answer.status, JSON.stringify(answer.value))
}

function respond(e: any, state: ResponseState, body: string): void {
  if (state.contentType) {
    e.response.header().set('Content-Type', state.contentType)
    e.string(state.status, body)
  } else {
    e.html(state.status, body)
  }
}

function render(file: string, layouts: string[], ctx: PageContext, state?: ResponseState, capture?: Capture): string {
  const root = pagesRoot()
  let html = renderFile(file, root, ctx, !!capture)
  capture?.flush(html)
  // a template may declare itself a fragment (response.fragment()) while rendering
  if (state?.fragment) return html
  for (const layout of layouts) html = renderFile(layout, root, { ...ctx, slot: html })
  return html
}

/** serveStatic serves pb_public/ and the non-template files beside pages. */
function serveStatic(e: any, request: PageRequest): boolean {
  const relative = request.path.replace(/^\/+/, '')
  const besidePages = join(pagesRoot(), relative)
  const dir = relative && !isPrivatePath(relative) && fileExists(besidePages) && !isDir(besidePages)
    ? pagesRoot()
    : publicDir()
  if (request.path.startsWith('/vendor/')) {
    // vendored files carry their exact version in package.json; the URL changes with it (?v=)
    e.response.header().set('Cache-Control', 'public, max-age=31536000, immutable')
  }
  try {
    $apis.static($os.dirFS(dir), false)(e)
    return true
  } catch (err) {
    return false
  }
}

function isDir(path: string): boolean {
  try {
    return $os.stat(path).isDir()
  } catch {
    return false
  }
}

function publicDir(): string {
  return process.env.HEARTH_PUBLIC_DIR || join(__hooks, '..', 'pb_public')
}

/**
 * renderError answers with the +error.ejs nearest the page that failed (the root one by default; a
 * JSON route keeps a JSON one beside it), in the layouts above it unless htmx asked for a fragment.
 */
function renderError(e: any, request: PageRequest, ctx: PageContext | null, route: Route | null, err: unknown): void {
  const status = err instanceof HttpError ? err.status : 500
  const dev = $app.isDev()
  const message = err instanceof HttpError ? err.message : 'Something went wrong on our side. Please try again.'
  const user = ctx ? ctx.user : safeUser(e, request)
  if (status === 500) logFailure(request, user, err)
  if (user) personalHeaders(e)
  const made = newContext(e, request, ctx?.params ?? {}, user, ctx?.form ?? {}, theApp().helpers)
  try {
    const errorPage = errorPageFor(route)
    const layouts = request.isHtmx && status !== 500 ? [] : layoutsFor(errorPage.route)
    const html = render(errorPage.file, layouts, {
      ...(ctx ?? {}),
      ...made.ctx,
      ...theApp().contextual(made.ctx),
      error: { status, message, detail: dev && status === 500 ? errorText(err) : '' },
    }, made.state)
    made.state.status = status
    respond(e, made.state, html)
  } catch (again) {
    console.error('[hearth] the error page failed too:', errorText(again))
    e.string(status, message)
  }
}

/**
 * logFailure records a page that failed in PocketBase's logs (Dashboard > Logs, /api/logs) with
 * what an operator needs to find it again: the method, the route (never its query string or the
 * form, which may hold a password), the person's id and the error; and on the console.
 */
function logFailure(request: PageRequest, user: { id: string } | null | undefined, err: unknown): void {
  const detail = errorText(err)
  console.error(`[hearth] ${request.method} ${request.path}:`, detail)
  $app.logger().error('Hearth: a page failed', 'method', request.method, 'path', request.path, 'user', user?.id ?? '', 'error', detail)
}

function safeUser(e: any, request: PageRequest) {
  try {
    return theApp().currentUser(e, request)
  } catch {
    return null
  }
}

function errorText(err: unknown): string {
  if (err && typeof err === 'object' && 'stack' in err && (err as Error).stack) return String((err as Error).stack)
  return String(err)
}
