// The new link is shown in this answer and never again: only its hash is kept.
module.exports = (ctx) => {
  const admin = ctx.requireAdmin()
  const result = ctx.invites.create(admin.id, ctx.form)
  if (result.errors) return { ...ctx.invalid(result.errors), invites: ctx.invites.list() }
  return { created: `/signup?invite=${result.token}`, invites: ctx.invites.list() }
}
