// Joining a public room (leave=1: leaving it).
module.exports = (ctx) => {
  const { record } = ctx.rooms.openRoom(ctx.requireUser(), ctx.params.slug)
  if (ctx.form.leave === '1') {
    ctx.members.leave(record, ctx.user.id)
    ctx.redirect('/rooms')
  }
  ctx.members.join(record, ctx.user.id)
  ctx.redirect(`/rooms/${ctx.params.slug}`)
}
