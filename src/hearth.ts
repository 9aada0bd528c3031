// The bundle every hook handler require()s: the page runtime, the chat domain and realtime.
// Loading it wires Hearth into the page runtime, which knows no application of its own.
import { configure } from './runtime/app'
import { currentUser } from './accounts/session'
import { isCrossSite } from './accounts/csrf'
import { helpers, contextual } from './web/helpers'
import { sseSend } from './realtime/publish'
import { limitSetting } from './site/settings'

configure({
  currentUser,
  isCrossSite,
  helpers,
  contextual,
  publish: (topic, html, filter) => sseSend($app, topic, html, { filter: filter as any }).recipients,
  limitSetting,
})

export { servePage } from './runtime/serve'
export { routes } from './runtime/pages'
export { prepareMessage, numberMessage, requireCurrent } from './chat/messages'
export { requireMember, requireAccount } from './chat/members'
export { LIMITS, take, refund } from './runtime/limits'
export { withinRequest } from './runtime/request-memo'
export { carry as carrySettings } from './site/settings'
export { settleName } from './accounts/users'
export { DISABLED } from './accounts/users'
export * as broadcasts from './chat/broadcasts'
export { pictureChanged } from './chat/picture-signal'
export { noteChange as noteModeration } from './chat/moderation'
export { takeFromApi as takeReaction } from './chat/reactions'
export { prune as pruneHistory } from './realtime/history'
