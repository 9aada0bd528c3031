// A new password; every other session of mine ends with the old one.
module.exports = (ctx) => {
  const result = ctx.passwords.changePassword(ctx.requireUser(), ctx.form, ctx.request.ip)
  if (result.errors) return ctx.invalid(result.errors)
  ctx.redirect('/me/sessions?password=changed')
}
