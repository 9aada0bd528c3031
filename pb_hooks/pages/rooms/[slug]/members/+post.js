module.exports = (ctx) => {
  const { room, record } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const result = ctx.members.addMember(record, ctx.user.id, ctx.form.username)
  if (result.errors) return ctx.invalid(result.errors)
  ctx.redirect(`/rooms/${room.slug}/members`)
}
