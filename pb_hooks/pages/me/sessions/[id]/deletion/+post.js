// Ending a session: that browser is logged out now; ending this one is logging out.
module.exports = (ctx) => {
  const user = ctx.requireUser()
  if (!ctx.session.endSessionOf(user.id, ctx.params.id)) throw new ctx.HttpError(404, 'That session has ended already.')
  if (ctx.params.id === user.sessionId) {
    ctx.session.clearSession(ctx.event, ctx.request)
    ctx.redirect('/login')
  }
  ctx.redirect('/me/sessions')
}
