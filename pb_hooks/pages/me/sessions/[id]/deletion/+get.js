// GET asks before ending a session (a link must never log anyone out).
module.exports = (ctx) => {
  const user = ctx.requireUser()
  const found = ctx.session.sessionsOf(user).find((s) => s.id === ctx.params.id)
  if (!found) throw new ctx.HttpError(404, 'That session has ended already.')
  return { found }
}
