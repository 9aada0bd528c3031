module.exports = ({ user, redirect }) => {
  if (user) redirect('/rooms')
}
