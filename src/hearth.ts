// The bundle every hook handler require()s: the page runtime and the chat domain.
export { servePage } from './runtime/serve'
export { routes } from './runtime/pages'
export { prepareMessage } from './chat/messages'
export { guard, LIMITS, isLimited, count } from './runtime/limits'
