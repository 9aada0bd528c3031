// The context every loader and template of one request sees.
import type { PageRequest } from './request'

/** HttpError ends a request with an error page of the given status. */
export class HttpError extends Error {
  constructor(public status: number, message: string) {
    super(message)
  }
}

/** Halt ends a request early, after a redirect or a response already written. */
export class Halt {
  constructor(public status: number, public location?: string) {}
}

/** SignedIn is what the runtime knows of whoever is signed in: the application says the rest. */
export interface SignedIn {
  id: string
  [key: string]: any
}

export interface PageContext {
  request: PageRequest
  params: Record<string, string>
  user: SignedIn | null
  /** posted form fields as raw strings */
  form: Record<string, string>
  /** what the route's handler (+get.js, +post.js) returned */
  data: Record<string, any>
  redirect(url: string, status?: number): never
  /**
   * json answers with value as JSON (application/json, never cached) instead of a page; a handler
   * returns what it gives: `return ctx.json(200, value)`
   */
  json(status: number, value: unknown): JsonAnswer
  response: {
    status(code?: number): number
    header(name: string, value: string): void
    /** render the page without its layouts (for fragments htmx swaps in) */
    fragment(): void
    /** answer with another content type (CSS, SVG...), without layouts */
    type(contentType: string): void
  }
  /** app-wide helpers and the chat domain, for loaders and templates */
  [key: string]: any
}

/** JsonAnswer is a JSON response a handler chose instead of a page (see PageContext.json). */
export class JsonAnswer {
  constructor(public status: number, public value: unknown) {}
}

export interface ResponseState {
  status: number
  fragment: boolean
  contentType: string
  /** set by ctx.json: the request is answered with it and no template is rendered */
  json: JsonAnswer | null
}

export function newContext(
  e: any,
  request: PageRequest,
  params: Record<string, string>,
  user: SignedIn | null,
  form: Record<string, string>,
  helpers: Record<string, any>,
): { ctx: PageContext; state: ResponseState } {
  const state: ResponseState = { status: 200, fragment: false, contentType: '', json: null }
  const ctx: PageContext = {
    ...helpers,
    request,
    params,
    user,
    form,
    data: {},
    redirect(url: string, status = 303): never {
      // only local redirects: a crafted ?next= must not send people elsewhere. Browsers drop tabs
      // and newlines from URLs, so "/<tab>/evil.example" would become "//evil.example": refuse controls.
      const safe = url.startsWith('/') && !url.startsWith('//') && !url.startsWith('/\\') && !/[\u0000-\u001f\u007f]/.test(url) ? url : '/'
      throw new Halt(status, safe)
    },
    json(status: number, value: unknown): JsonAnswer {
      state.json = new JsonAnswer(status, value)
      return state.json
    },
    response: {
      status(code?: number) {
        if (code) state.status = code
        return state.status
      },
      header(name: string, value: string) {
        e.response.header().set(name, value)
      },
      fragment() {
        state.fragment = true
      },
      type(contentType: string) {
        state.contentType = contentType
        state.fragment = true
      },
    },
  }
  return { ctx, state }
}
