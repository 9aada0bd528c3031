// Catch-up: the room's events after the position a browser last saw (?after=<position>), where it
// saw the event ?event=<id> (a history that reuses positions then asks the browser to reload).
module.exports = (ctx) => {
  const { record } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  const after = /^\d+$/.test(ctx.request.query.after || '') ? Number(ctx.request.query.after) : -1
  if (after < 0) throw new ctx.HttpError(422, 'Say which position to catch up from: ?after=<number>.')
  return { catchUp: ctx.fragments.catchUp($app, record.id, after, 'event' in ctx.request.query ? ctx.request.query.event : null) }
}
