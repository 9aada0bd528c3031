// Reactions are shown under the message: a link here goes there.
module.exports = (ctx) => {
  const { room } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  ctx.redirect(`/rooms/${room.slug}#message-${ctx.params.id}`)
}
