/// Each room event names what it is about (a message id in `subject`), so that editing or deleting
/// the message can blank what its earlier events showed: no event keeps deleted or replaced text.
migrate((app) => {
  const events = app.findCollectionByNameOrId('room_events')
  events.fields.add(new TextField({ name: 'subject', max: 15 }))
  events.addIndex('idx_room_events_room_subject', false, 'room, subject', "subject != ''")
  app.save(events)

  // Events recorded before this migration: their subject is the message id in their first element,
  // and only the newest event of each message keeps its html.
  app.db().newQuery(
    `UPDATE room_events SET subject = substr(html, instr(html, 'id="message-') + 12, 15)
      WHERE instr(html, 'id="message-') > 0`,
  ).execute()
  app.db().newQuery(
    `UPDATE room_events SET html = ''
      WHERE subject != '' AND seq < (SELECT MAX(e.seq) FROM room_events e WHERE e.room = room_events.room AND e.subject = room_events.subject)`,
  ).execute()
  // a message deleted before this migration: its last event is the removal, which holds no text
}, (app) => {
  const events = app.findCollectionByNameOrId('room_events')
  events.removeIndex('idx_room_events_room_subject')
  events.fields.removeByName('subject')
  app.save(events)
})
