// disabled=true disables the account (its sessions and live connections end), false enables it.
module.exports = (ctx) => {
  const admin = ctx.requireAdmin()
  ctx.disabling.setDisabled(admin.id, ctx.params.username, ctx.form.disabled === 'true')
  ctx.redirect('/admin/people')
}
