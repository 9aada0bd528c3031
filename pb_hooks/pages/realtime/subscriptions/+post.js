// The browser's realtime connection (PocketBase's clientId) follows the rooms it names (JSON).
module.exports = (ctx) => {
  const topics = (ctx.form.topics || '').split(/\s+/).filter(Boolean)
  return ctx.json(200, { topics: ctx.realtime.subscribe(ctx.request, ctx.user, ctx.form.clientId || '', topics) })
}
