/// An admin disables an account (src/accounts/disabling.ts): its sessions end and it can log in
/// neither on the pages nor through the API. Hidden like role: superusers only through the API.
migrate((app) => {
  const users = app.findCollectionByNameOrId('users')
  users.fields.add(new BoolField({ name: 'disabled', hidden: true }))
  app.save(users)
}, (app) => {
  const users = app.findCollectionByNameOrId('users')
  users.fields.removeByName('disabled')
  app.save(users)
})
