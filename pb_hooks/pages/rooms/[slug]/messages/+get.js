// The room is where messages are read: a link here goes there.
module.exports = (ctx) => {
  const { room } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  ctx.redirect(`/rooms/${room.slug}`)
}
