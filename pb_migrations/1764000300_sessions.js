/// Sessions are server-side records: the cookie holds a random secret whose SHA-256 is stored
/// here, so logging out ends that session for pages and live connections at once, and people can
/// see and end their other sessions. Only Hearth's pages and superusers read them.
migrate((app) => {
  const users = app.findCollectionByNameOrId('users')
  const sessions = new Collection({
    type: 'base',
    name: 'sessions',
    fields: [
      { type: 'relation', name: 'user', required: true, collectionId: users.id, maxSelect: 1, cascadeDelete: true },
      { type: 'text', name: 'tokenHash', required: true, hidden: true, min: 64, max: 64 },
      { type: 'text', name: 'userAgent', max: 300 },
      { type: 'text', name: 'ip', max: 64 },
      { type: 'date', name: 'lastSeen' },
      { type: 'autodate', name: 'created', onCreate: true },
    ],
    indexes: [
      'CREATE UNIQUE INDEX idx_sessions_token_hash ON sessions (tokenHash)',
      'CREATE INDEX idx_sessions_user ON sessions (user)',
    ],
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
  })
  app.save(sessions)
}, (app) => {
  app.delete(app.findCollectionByNameOrId('sessions'))
})
