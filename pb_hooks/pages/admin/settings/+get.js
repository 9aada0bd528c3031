module.exports = (ctx) => {
  ctx.requireAdmin()
  return { current: ctx.settings.current(), bodyCeiling: ctx.messages.bodyCeiling(), saved: 'saved' in ctx.request.query }
}
