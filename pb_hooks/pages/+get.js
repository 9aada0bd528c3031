// The home page is the room list for people who are signed in; on a fresh install, the first run.
module.exports = ({ user, setup, redirect }) => redirect(user ? '/rooms' : setup.isFresh() ? '/setup' : '/login')
