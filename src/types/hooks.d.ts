// The globals PocketBase's JS hooks runtime (goja) provides. They are Go objects seen through
// PocketBase's name mapper, so they are typed loosely here; tests exercise them for real.
declare const $app: any
declare const $os: any
declare const $security: any
declare const $apis: any
declare const $filepath: any
declare const __hooks: string
declare function toString(raw: any, maxBytes?: number): string
declare function routerAdd(method: string, path: string, handler: (e: any) => any, ...middlewares: any[]): void
declare function onBootstrap(handler: (e: any) => any): void
declare function onRecordCreateRequest(handler: (e: any) => any, ...collections: string[]): void
declare function onRecordDeleteRequest(handler: (e: any) => any, ...collections: string[]): void
declare function onRecordUpdateRequest(handler: (e: any) => any, ...collections: string[]): void
declare function onRecordValidate(handler: (e: any) => any, ...collections: string[]): void
declare function onRecordAuthWithPasswordRequest(handler: (e: any) => any, ...collections: string[]): void
declare function onRecordAuthRequest(handler: (e: any) => any, ...collections: string[]): void
declare function cronAdd(name: string, schedule: string, handler: () => void): void
declare const Record: any
declare const Cookie: any
declare const Collection: any
declare const DynamicModel: any
declare const DateTime: any
declare const ValidationError: any
declare const BadRequestError: any
declare const TooManyRequestsError: any
declare const ForbiddenError: any
declare const NotFoundError: any
declare const SubscriptionMessage: any
declare function require(path: string): any
declare const module: any
declare const process: { env: Record<string, string | undefined> }
declare const console: { log(...a: any[]): void; error(...a: any[]): void; warn(...a: any[]): void }
declare function onRecordCreate(handler: (e: any) => any, ...collections: string[]): void
declare function onRecordUpdate(handler: (e: any) => any, ...collections: string[]): void
/** One event for $relay.publish: relay.Event in src/server/relay/publish.go, field for field. */
interface RelayEvent {
  /** the subscription it goes to, and its SSE event name (rooms/<id>) */
  topic: string
  /** one SSE data line: JSON, never a newline */
  data: string
  /** the room and the event's position in its history; with both (seq > 0) it arrives in position order */
  room?: string
  seq?: number
  /** the users who may receive it; anyUser admits every signed-in user instead */
  users?: string[]
  anyUser?: boolean
  /** the auth collection users and anyUser mean; unset is the relay's ("users") */
  authCollection?: string
  /** can only narrow the audience; gets PocketBase's realtime client */
  filter?: ((client: any) => boolean) | null
  /** only for an event left on a record for after the commit: its users may no longer read the room,
   *  and their connections stop following its topic (src/server/relay/committed.go) */
  revoke?: boolean
}
/** Hearth's Go relay (src/server/relay): non-blocking, ordered SSE delivery. */
declare const $relay: {
  /** sends the event to its topic's subscribers that its audience admits; returns how many */
  publish(event: RelayEvent): number
  stats(): Record<string, number>
  /** the open realtime connection's client with the id (throws for none): Hearth's tabs are not in
   *  PocketBase's broker (src/server/relay/broker.go) */
  client(id: string): any
  /** closes every live connection opened with the session whose cookie hashes to hash */
  disconnectSession(hash: string): number
  /** who has the topic's room open now (src/server/relay/presence.go), by name */
  present(topic: string): { id: string; name: string }[]
  /** the topic's "Here now" as every change sends it */
  presenceHTML(topic: string): string
}
/** The running release (src/server/main.go): Hearth's version from package.json, set at link time, and PocketBase's. */
declare const $hearth: { version: string; pocketbase: string }
/** caps what may be read of e.request.body (src/server/main.go); reading past it throws "request body too large" */
declare function $limitBody(e: any, bytes: number): void
/** Hearth's Go rate limiter (src/server/limits): atomic fixed windows shared by every VM. */
declare const $limits: {
  take(name: string, key: string, max: number, windowSeconds: number): boolean
  refund(name: string, key: string): void
}
/** Hearth's display-name check (src/server/names): '' or why not; NFC, trimmed, spaces collapsed. */
declare const $names: {
  problem(name: string): string
  normalize(name: string): string
}
/** Always false, after a bcrypt comparison of the given cost (src/server/passwords). */
declare const $passwords: {
  dummyCheck(password: string, cost: number): boolean
}
declare function onRecordAfterCreateSuccess(handler: (e: any) => any, ...collections: string[]): void
declare function onRecordAfterUpdateSuccess(handler: (e: any) => any, ...collections: string[]): void
declare function onRecordAfterDeleteSuccess(handler: (e: any) => any, ...collections: string[]): void
declare function onRecordCreateExecute(handler: (e: any) => any, ...collections: string[]): void
declare function onRecordUpdateExecute(handler: (e: any) => any, ...collections: string[]): void
declare function onRecordDeleteExecute(handler: (e: any) => any, ...collections: string[]): void
declare function onRecordDelete(handler: (e: any) => any, ...collections: string[]): void
declare const $dbx: any

// ejs 7 and markdown-it ship no typings that resolve for a goja bundle; Hearth uses a small surface of each.
declare module 'ejs' {
  const ejs: any
  export default ejs
}
declare module 'markdown-it' {
  const MarkdownIt: any
  export default MarkdownIt
}
declare function arrayOf(model: any): any
