// The bundle every hook handler require()s: the page runtime, the chat domain and realtime.
export { servePage } from './runtime/serve'
export { routes } from './runtime/pages'
export { prepareMessage, numberMessage } from './chat/messages'
export { LIMITS, take, refund } from './runtime/limits'
export { settleName } from './accounts/users'
export * as broadcasts from './chat/broadcasts'
export { prune as pruneHistory } from './realtime/history'
