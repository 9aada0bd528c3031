module.exports = (ctx) => {
  const user = ctx.requireUser()
  const { room, record } = ctx.rooms.openRoom(user, ctx.params.slug)
  const found = ctx.messages.findMessage(record.id, ctx.params.id)
  if (!ctx.messages.canEdit(user, found)) throw new ctx.HttpError(403, 'You can only edit your own messages.')
  return { room, message: ctx.messages.loadMessage(found) }
}
