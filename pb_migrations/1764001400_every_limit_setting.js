/// Every rate limit is a site setting (src/site/limit-settings.ts names them; posts and sign-ups
/// came with the settings row). Empty: the environment's HEARTH_LIMIT_*, else Hearth's own.
/// The settings' API rules stay as they were: admins and superusers only.
const FIELDS = ['limitFailedLogins', 'limitEdits', 'limitReactions', 'limitMemberships', 'limitRooms',
  'limitConversations', 'limitTyping', 'limitSubscriptions', 'limitRealtimeSubscribes']

migrate((app) => {
  const settings = app.findCollectionByNameOrId('settings')
  for (const name of FIELDS) settings.fields.add(new TextField({ name, max: 24, pattern: '^([0-9]+/[0-9]+)?$' }))
  app.save(settings)
}, (app) => {
  const settings = app.findCollectionByNameOrId('settings')
  for (const name of FIELDS) settings.fields.removeByName(name)
  app.save(settings)
})
