/// Unread: each member's read position in each room, the number of the last message they have
/// seen there (src/chat/unread.ts). Existing members start with everything read.
migrate((app) => {
  const memberships = app.findCollectionByNameOrId('memberships')
  // hidden: where someone has read up to is theirs alone (the API shows it to superusers only)
  memberships.fields.add(new NumberField({ name: 'readNumber', onlyInt: true, min: 0, hidden: true }))
  app.save(memberships)
  app.db().newQuery('UPDATE memberships SET readNumber = (SELECT lastNumber FROM rooms WHERE rooms.id = memberships.room)').execute()
}, (app) => {
  const memberships = app.findCollectionByNameOrId('memberships')
  memberships.fields.removeByName('readNumber')
  app.save(memberships)
})
