// The personal stylesheet: which message actions this person sees. Never cached across people.
module.exports = (ctx) => {
  const user = ctx.requireUser()
  ctx.response.header('Cache-Control', 'private, no-cache')
  return { ownedRoomIds: ctx.members.ownedRoomIds(user.id) }
}
