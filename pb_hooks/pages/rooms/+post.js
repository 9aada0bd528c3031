module.exports = (ctx) => {
  const result = ctx.rooms.createRoom(ctx.requireUser(), ctx.form)
  if (result.errors) return ctx.invalid(result.errors)
  ctx.redirect(`/rooms/${result.room.slug}`)
}
