/// A message's position in its room is its number (messages.number, counted by rooms.lastNumber);
/// "seq" now names only a room event's position (room_events.seq). The unique (room, number) index
/// is recreated under its new name.
migrate((app) => {
  renameMessageNumber(app, { from: 'seq', to: 'number', counterFrom: 'lastSeq', counterTo: 'lastNumber' })
}, (app) => {
  renameMessageNumber(app, { from: 'number', to: 'seq', counterFrom: 'lastNumber', counterTo: 'lastSeq' })
})

function renameMessageNumber(app, { from, to, counterFrom, counterTo }) {
  const rooms = app.findCollectionByNameOrId('rooms')
  rooms.fields.getByName(counterFrom).name = counterTo
  app.save(rooms)

  const messages = app.findCollectionByNameOrId('messages')
  messages.fields.getByName(from).name = to
  messages.removeIndex(`idx_messages_room_${from}`)
  messages.addIndex(`idx_messages_room_${to}`, true, `room, ${to}`, '')
  app.save(messages)
}
