module.exports = (ctx) => {
  const { setup, session, form, request, redirect, HttpError } = ctx
  const result = setup.claimFirstAdmin(form, request.ip)
  if (result.taken) throw new HttpError(404, 'Hearth is set up already.')
  if (result.errors) return ctx.invalid(result.errors)
  session.startSession(ctx.event, request, result.record)
  redirect('/rooms/lobby')
}
