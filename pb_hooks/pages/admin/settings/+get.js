module.exports = (ctx) => {
  ctx.requireAdmin()
  return { values: ctx.settings.formValues(ctx.settings.current()), bodyCeiling: ctx.messages.bodyCeiling(), saved: 'saved' in ctx.request.query }
}
