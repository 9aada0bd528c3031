// Posting: 303 back to the room (a refresh never re-posts); htmx gets the message and a fresh form.
module.exports = (ctx) => {
  const { room, record } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const result = ctx.messages.post(ctx.user, record, ctx.form)
  if (result.errors) return { room, ...ctx.invalid(result.errors) }
  if (!ctx.request.isHtmx) ctx.redirect(`/rooms/${room.slug}#message-${result.message.id}`)
  return { room, message: result.message }
}
