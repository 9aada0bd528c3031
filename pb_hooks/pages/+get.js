// The home page is the room list for people who are signed in.
module.exports = ({ user, redirect }) => redirect(user ? '/rooms' : '/login')
