// Revoking an invite link: nobody signs up with it from now on.
module.exports = (ctx) => {
  ctx.requireAdmin()
  ctx.invites.revoke(ctx.params.id)
  ctx.redirect('/admin/invites')
}
