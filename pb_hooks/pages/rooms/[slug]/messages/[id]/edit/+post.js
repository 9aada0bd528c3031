module.exports = (ctx) => {
  const { room, record } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const found = ctx.messages.findMessage(record.id, ctx.params.id)
  const result = ctx.messages.edit(ctx.user, found, ctx.form)
  if (result.errors) return ctx.invalid(result.errors)
  ctx.redirect(`/rooms/${room.slug}#message-${found.id}`)
}
