/// The people a message mentions: the users its @names linked to when it was saved (posted or
/// edited), those who could read the room then (src/chat/mention-syntax.ts, policy.ts
/// readersNamed). The fragment names them in data-mentions, which /me/style.css highlights for
/// each of them. Set by Hearth on every save; whatever a client sends is replaced.
migrate((app) => {
  const messages = app.findCollectionByNameOrId('messages')
  const users = app.findCollectionByNameOrId('users')
  // more than a 4000-character body can name (800 names of 3 letters)
  messages.fields.add(new RelationField({ name: 'mentions', collectionId: users.id, maxSelect: 1000, cascadeDelete: false }))
  app.save(messages)
}, (app) => {
  const messages = app.findCollectionByNameOrId('messages')
  messages.fields.removeByName('mentions')
  app.save(messages)
})
