/// Hearth's admins: people whose users.role is 'admin', apart from PocketBase's superusers. The
/// field is hidden, so the API shows and filters it for superusers only, and users cannot write
/// their own record through the API at all (updateRule stays null): only the first-run page
/// (src/accounts/setup.ts) and a superuser make an admin.
migrate((app) => {
  const users = app.findCollectionByNameOrId('users')
  users.fields.add(new SelectField({ name: 'role', values: ['admin'], maxSelect: 1, hidden: true }))
  app.save(users)
}, (app) => {
  const users = app.findCollectionByNameOrId('users')
  users.fields.removeByName('role')
  app.save(users)
})
