module.exports = (ctx) => {
  ctx.requireAdmin()
  return { invites: ctx.invites.list() }
}
