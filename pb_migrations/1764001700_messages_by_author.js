/// Messages by their author: a new profile picture is signalled to every room where its owner's
/// messages show, rooms they have left included (src/chat/picture-signal.ts), without reading
/// every message to find them.
migrate((app) => {
  const messages = app.findCollectionByNameOrId('messages')
  messages.addIndex('idx_messages_author', false, 'author', '')
  app.save(messages)
}, (app) => {
  const messages = app.findCollectionByNameOrId('messages')
  messages.removeIndex('idx_messages_author')
  app.save(messages)
})
