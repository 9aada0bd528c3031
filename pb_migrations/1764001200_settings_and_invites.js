/// Site settings an admin changes without a restart (src/site/settings.ts reads them at each use;
/// an empty field means the environment's default), and invite links for registration by invite.
/// One settings row, made here. Admins may read and change it through the API as on the page;
/// invites are the pages' and superusers' only (the link's secret is stored hashed).
migrate((app) => {
  const admin = '@request.auth.collectionName = "users" && @request.auth.role = "admin"'
  const limit = { type: 'text', max: 24, pattern: '^([0-9]+/[0-9]+)?$' }
  const settings = new Collection({
    type: 'base',
    name: 'settings',
    fields: [
      { type: 'text', name: 'siteName', max: 60 },
      { type: 'select', name: 'registration', maxSelect: 1, values: ['open', 'closed', 'invite'] },
      { type: 'number', name: 'hideAt', onlyInt: true, min: 0 },
      { type: 'number', name: 'messageMax', onlyInt: true, min: 0 },
      { ...limit, name: 'limitPosts' },
      { ...limit, name: 'limitSignups' },
    ],
    listRule: admin,
    viewRule: admin,
    updateRule: admin,
  })
  app.save(settings)
  const row = new Record(settings)
  row.set('registration', 'open')
  app.save(row)

  const users = app.findCollectionByNameOrId('users')
  app.save(new Collection({
    type: 'base',
    name: 'invites',
    fields: [
      { type: 'text', name: 'tokenHash', required: true, max: 64 },
      { type: 'date', name: 'expires', required: true },
      { type: 'number', name: 'maxUses', required: true, onlyInt: true, min: 1 },
      { type: 'number', name: 'uses', onlyInt: true, min: 0 },
      { type: 'relation', name: 'creator', collectionId: users.id, maxSelect: 1, cascadeDelete: false },
      { type: 'autodate', name: 'created', onCreate: true },
    ],
    indexes: ['CREATE UNIQUE INDEX idx_invites_token ON invites (tokenHash)'],
  }))
}, (app) => {
  for (const name of ['invites', 'settings']) app.delete(app.findCollectionByNameOrId(name))
})
