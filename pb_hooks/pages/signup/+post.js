module.exports = (ctx) => {
  const { users, session, form, request, redirect } = ctx
  const result = users.signUp(form, request.ip)
  if (result.errors) return ctx.invalid(result.errors)
  session.startSession(ctx.event, request, result.record)
  redirect('/rooms/lobby')
}
