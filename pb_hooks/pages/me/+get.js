// The personal stylesheet: which message actions this person sees. Like every page rendered for
// someone signed in, it is sent with Cache-Control: private, no-store (src/runtime/headers.ts).
module.exports = (ctx) => {
  const user = ctx.requireUser()
  return { moderatedRoomIds: ctx.policy.moderatedRoomIds(user.id), deletesEverywhere: ctx.policy.isAdmin(user) }
}
