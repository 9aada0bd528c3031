module.exports = (ctx) => {
  ctx.requireAdmin()
  const bodyCeiling = ctx.messages.bodyCeiling()
  const result = ctx.settings.save(ctx.form, bodyCeiling, ctx.pictures.ceilingKb())
  if (result.errors) return { ...ctx.invalid(result.errors), bodyCeiling }
  ctx.redirect('/admin/settings?saved')
}
