/// A room's event history for realtime catch-up: every event's position and the HTML it showed.
/// Readable through the REST API exactly like the room's messages.
migrate((app) => {
  const rooms = app.findCollectionByNameOrId('rooms')
  // the position of the room's newest event (messages have their own positions, rooms.lastSeq)
  rooms.fields.add(new NumberField({ name: 'lastEvent', onlyInt: true, hidden: true }))
  app.save(rooms)
  const events = new Collection({
    type: 'base',
    name: 'room_events',
    fields: [
      { type: 'relation', name: 'room', required: true, collectionId: rooms.id, maxSelect: 1, cascadeDelete: true },
      { type: 'number', name: 'seq', required: true, onlyInt: true },
      { type: 'text', name: 'html', max: 200000 },
      { type: 'autodate', name: 'created', onCreate: true },
    ],
    indexes: ['CREATE UNIQUE INDEX idx_room_events_room_seq ON room_events (room, seq)'],
    listRule: '@request.auth.id != "" && (room.kind = "public" || room.memberships_via_room.user ?= @request.auth.id)',
    viewRule: '@request.auth.id != "" && (room.kind = "public" || room.memberships_via_room.user ?= @request.auth.id)',
    createRule: null,
    updateRule: null,
    deleteRule: null,
  })
  app.save(events)
}, (app) => {
  app.delete(app.findCollectionByNameOrId('room_events'))
  const rooms = app.findCollectionByNameOrId('rooms')
  rooms.fields.removeByName('lastEvent')
  app.save(rooms)
})
