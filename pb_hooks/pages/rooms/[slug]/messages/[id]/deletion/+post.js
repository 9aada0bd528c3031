// htmx removes the element itself (hx-swap="delete"); without it the browser goes back to the room.
module.exports = (ctx) => {
  const { room, record } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const found = ctx.messages.findMessage(record.id, ctx.params.id)
  ctx.messages.remove(ctx.user, found)
  if (ctx.request.isHtmx) {
    ctx.response.status(200)
    ctx.response.fragment()
    return { room, deleted: true }
  }
  ctx.redirect(`/rooms/${room.slug}`)
}
