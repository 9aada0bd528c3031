// The room page: the newest messages, or an older page of them (?before=<position>).
module.exports = (ctx) => {
  const { room, record } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const before = /^\d+$/.test(ctx.request.query.before || '') ? Number(ctx.request.query.before) : undefined
  // the position first: anything that happens while the page renders is then replayed, never missed
  const head = ctx.history.head($app, record.id)
  const { messages, olderCursor } = ctx.messages.history(record.id, before)
  const memberCount = ctx.members.countOf(record.id)
  return { room, messages, olderCursor, head, memberCount, paging: before !== undefined }
}
