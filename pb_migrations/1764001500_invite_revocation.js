/// An admin revokes an invite link (src/site/invites.ts): from then on it lets nobody sign up.
/// Invites stay the pages' and superusers' only through the API.
migrate((app) => {
  const invites = app.findCollectionByNameOrId('invites')
  invites.fields.add(new DateField({ name: 'revoked' }))
  app.save(invites)
}, (app) => {
  const invites = app.findCollectionByNameOrId('invites')
  invites.fields.removeByName('revoked')
  app.save(invites)
})
