/// Admins moderate every room they may read (src/chat/policy.ts mayModerate): the API lets them
/// read hidden messages and moderation logs there too. @request.auth.role reads the hidden field
/// of the requester's own record, which rules may do.
migrate((app) => {
  const signedIn = '@request.auth.id != "" && @request.auth.collectionName = "users"'
  const admin = '@request.auth.role = "admin"'
  const messages = app.findCollectionByNameOrId('messages')
  messages.listRule = messages.listRule.replace(/\)$/, ` || ${admin})`)
  messages.viewRule = messages.listRule
  app.save(messages)
  const log = app.findCollectionByNameOrId('moderation_log')
  const readers = `${signedIn} && (room.memberships_via_room.user ?= @request.auth.id || (${admin} && room.kind = "public"))`
  log.listRule = readers
  log.viewRule = readers
  app.save(log)
}, (app) => {
  const signedIn = '@request.auth.id != "" && @request.auth.collectionName = "users"'
  const messages = app.findCollectionByNameOrId('messages')
  messages.listRule = messages.listRule.replace(' || @request.auth.role = "admin")', ')')
  messages.viewRule = messages.listRule
  app.save(messages)
  const log = app.findCollectionByNameOrId('moderation_log')
  log.listRule = `${signedIn} && room.memberships_via_room.user ?= @request.auth.id`
  log.viewRule = log.listRule
  app.save(log)
})
