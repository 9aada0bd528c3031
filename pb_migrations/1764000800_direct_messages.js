/// Direct messages: the one conversation between two people is a room of kind "direct" with both
/// as members (no owner). `pair` is the two user ids, sorted and joined; its unique index makes two
/// clicks at once, or both people at once, one conversation. The API rules need no change: a room
/// that is not public is read only by its members (pb_migrations/1764000600_access_rules.js).
migrate((app) => {
  const rooms = app.findCollectionByNameOrId('rooms')
  rooms.fields.getByName('kind').values = ['public', 'private', 'direct']
  rooms.fields.add(new TextField({ name: 'pair', max: 40 }))
  rooms.addIndex('idx_rooms_pair', true, 'pair', "pair != ''")
  app.save(rooms)
}, (app) => {
  const rooms = app.findCollectionByNameOrId('rooms')
  app.db().newQuery("DELETE FROM rooms WHERE kind = 'direct'").execute()
  rooms.removeIndex('idx_rooms_pair')
  rooms.fields.removeByName('pair')
  rooms.fields.getByName('kind').values = ['public', 'private']
  app.save(rooms)
})
