/// Hearth's data: people, rooms, memberships and messages, with API rules that show through
/// PocketBase's REST API exactly what Hearth's pages show, and nothing more.
migrate((app) => {
  const signedIn = '@request.auth.id != ""'

  const users = app.findCollectionByNameOrId('users')
  users.fields.add(new TextField({ name: 'username', required: true, min: 3, max: 24, pattern: '^[a-z0-9_]+$' }))
  users.fields.getByName('email').required = false
  users.addIndex('idx_users_username', true, 'username', '')
  users.passwordAuth.identityFields = ['username']
  // Other people see usernames and display names; emails stay hidden (emailVisibility is never set).
  users.listRule = signedIn
  users.viewRule = signedIn
  // Accounts are made through Hearth's sign-up page, which rate-limits and validates.
  users.createRule = null
  users.updateRule = null
  users.deleteRule = null
  app.save(users)

  const rooms = new Collection({
    type: 'base',
    name: 'rooms',
    fields: [
      { type: 'text', name: 'name', required: true, max: 60 },
      { type: 'text', name: 'slug', required: true, min: 2, max: 40, pattern: '^[a-z0-9][a-z0-9-]*$' },
      { type: 'text', name: 'topic', max: 200 },
      { type: 'select', name: 'kind', required: true, maxSelect: 1, values: ['public', 'private'] },
      { type: 'relation', name: 'creator', collectionId: users.id, maxSelect: 1, cascadeDelete: false },
      // the position of the room's newest message; see realtime/history.ts nextMessageSeq
      { type: 'number', name: 'lastSeq', onlyInt: true, hidden: true },
      { type: 'autodate', name: 'created', onCreate: true },
      { type: 'autodate', name: 'updated', onCreate: true, onUpdate: true },
    ],
    indexes: ['CREATE UNIQUE INDEX idx_rooms_slug ON rooms (slug)'],
  })
  app.save(rooms)

  const memberships = new Collection({
    type: 'base',
    name: 'memberships',
    fields: [
      { type: 'relation', name: 'room', required: true, collectionId: rooms.id, maxSelect: 1, cascadeDelete: true },
      { type: 'relation', name: 'user', required: true, collectionId: users.id, maxSelect: 1, cascadeDelete: true },
      { type: 'select', name: 'role', required: true, maxSelect: 1, values: ['owner', 'member'] },
      { type: 'autodate', name: 'created', onCreate: true },
    ],
    indexes: [
      'CREATE UNIQUE INDEX idx_memberships_room_user ON memberships (room, user)',
      'CREATE INDEX idx_memberships_user ON memberships (user)',
    ],
  })
  app.save(memberships)

  const readable = `${signedIn} && (kind = "public" || memberships_via_room.user ?= @request.auth.id)`
  rooms.listRule = readable
  rooms.viewRule = readable
  app.save(rooms)

  const inReadableRoom = `${signedIn} && (room.kind = "public" || room.memberships_via_room.user ?= @request.auth.id)`
  memberships.listRule = inReadableRoom
  memberships.viewRule = inReadableRoom
  app.save(memberships)

  const messages = new Collection({
    type: 'base',
    name: 'messages',
    fields: [
      { type: 'relation', name: 'room', required: true, collectionId: rooms.id, maxSelect: 1, cascadeDelete: true },
      { type: 'relation', name: 'author', required: true, collectionId: users.id, maxSelect: 1, cascadeDelete: false },
      { type: 'text', name: 'body', required: true, max: 4000 },
      // rendered by Hearth from body on every save (chat/format.ts)
      // Markdown escaping can make HTML several times longer than the body (4000 '<' become 16000)
      { type: 'text', name: 'html', hidden: true, max: 100000 },
      // the whole message as every reader sees it (the _private/message.ejs partial), rendered once
      // when it is posted or edited (chat/broadcasts.ts) and reused by every page that lists it
      { type: 'text', name: 'fragment', hidden: true, max: 200000 },
      { type: 'number', name: 'seq', onlyInt: true },
      { type: 'bool', name: 'edited' },
      // the posting form's one-time token: a resent form finds its first message
      { type: 'text', name: 'nonce', hidden: true, max: 64 },
      { type: 'autodate', name: 'created', onCreate: true },
      { type: 'autodate', name: 'updated', onCreate: true, onUpdate: true },
    ],
    indexes: [
      'CREATE UNIQUE INDEX idx_messages_room_seq ON messages (room, seq)',
      'CREATE INDEX idx_messages_room_created ON messages (room, created)',
      "CREATE UNIQUE INDEX idx_messages_author_nonce ON messages (author, nonce) WHERE nonce != ''",
    ],
    listRule: inReadableRoom,
    viewRule: inReadableRoom,
    createRule: `${signedIn} && author = @request.auth.id && room.memberships_via_room.user ?= @request.auth.id`,
    // edits and deletes go through Hearth's pages, which check authorship and ownership
    updateRule: null,
    deleteRule: null,
  })
  app.save(messages)

  const lobby = new Record(rooms)
  lobby.set('name', 'Lobby')
  lobby.set('slug', 'lobby')
  lobby.set('topic', 'Everyone is here.')
  lobby.set('kind', 'public')
  app.save(lobby)

  const settings = app.settings()
  settings.meta.appName = 'Hearth'
  app.save(settings)
}, (app) => {
  for (const name of ['messages', 'memberships', 'rooms']) {
    app.delete(app.findCollectionByNameOrId(name))
  }
  const users = app.findCollectionByNameOrId('users')
  users.fields.removeByName('username')
  users.removeIndex('idx_users_username')
  users.passwordAuth.identityFields = ['email']
  app.save(users)
})
