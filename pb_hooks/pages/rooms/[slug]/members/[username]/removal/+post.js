module.exports = (ctx) => {
  const { room, record } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  ctx.members.removeMember(record, ctx.user.id, ctx.params.username)
  ctx.redirect(`/rooms/${room.slug}/members`)
}
