/// A message's stored fragment is a render cache: fragmentKey says what made it (the partials'
/// digest, the message's and its author's last change; src/chat/fragments.ts). Fragments stored
/// before have no key and are rendered again, once, when next read.
migrate((app) => {
  const messages = app.findCollectionByNameOrId('messages')
  messages.fields.add(new TextField({ name: 'fragmentKey', hidden: true, max: 200 }))
  app.save(messages)
}, (app) => {
  const messages = app.findCollectionByNameOrId('messages')
  messages.fields.removeByName('fragmentKey')
  app.save(messages)
})
