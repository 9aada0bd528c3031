module.exports = ({ user, session, form, request, redirect, event }) => {
  if (user && form.everywhere === '1') session.endAllSessions(user.id)
  session.endSession(event, request)
  redirect('/login')
}
