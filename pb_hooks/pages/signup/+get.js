module.exports = ({ user, users, request, redirect }) => {
  if (user) redirect('/rooms')
  const invite = request.query.invite || ''
  return { registration: users.registrationFor(invite), invite }
}
