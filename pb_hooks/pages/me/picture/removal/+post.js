// Back to one's initials.
module.exports = (ctx) => {
  ctx.pictures.remove(ctx.requireUser().id)
  ctx.redirect('/me/picture')
}
