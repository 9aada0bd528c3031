// admin=true makes the account an admin, false takes the role away (it applies at its next request).
module.exports = (ctx) => {
  const admin = ctx.requireAdmin()
  ctx.disabling.setAdmin(admin.id, ctx.params.username, ctx.form.admin === 'true')
  ctx.redirect('/admin/people')
}
