// GET shows the room; after a failed POST it shows the room with the composer's error.
module.exports = (ctx) => {
  const { room, record } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  if (ctx.request.method === 'GET') ctx.redirect(`/rooms/${room.slug}`)
  if (ctx.data.message) return { room }
  const head = ctx.history.head($app, record.id)
  return { room, ...ctx.messages.history(record.id), head, memberCount: ctx.members.countOf(record.id), paging: false }
}
