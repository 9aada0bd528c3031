// The browser's realtime connection (PocketBase's clientId) follows the rooms it names.
module.exports = (ctx) => {
  const topics = (ctx.form.topics || '').split(/\s+/).filter(Boolean)
  return { topics: ctx.realtime.subscribe(ctx.request, ctx.user, ctx.form.clientId || '', topics) }
}
