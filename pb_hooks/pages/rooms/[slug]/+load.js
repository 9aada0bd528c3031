// The room page: the newest messages, or an older page of them (?before=<position>).
module.exports = (ctx) => {
  const { room, record } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const before = /^\d+$/.test(ctx.request.query.before || '') ? Number(ctx.request.query.before) : undefined
  const { messages, olderCursor } = ctx.messages.history(record.id, before)
  return { room, messages, olderCursor, paging: before !== undefined }
}
