module.exports = (ctx) => {
  const { users, session, form, request, redirect, HttpError } = ctx
  const result = users.signUp(form, request.ip)
  if (result.closed) throw new HttpError(403, 'This site takes no new sign-ups.')
  if (result.errors) return ctx.invalid(result.errors)
  session.startSession(ctx.event, request, result.record)
  redirect('/rooms/lobby')
}
