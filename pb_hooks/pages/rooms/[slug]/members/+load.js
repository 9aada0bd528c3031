module.exports = (ctx) => {
  const { room, record } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  return { room, members: ctx.members.membersOf(record.id) }
}
