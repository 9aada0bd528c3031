// A new profile picture: a PNG, JPEG, WebP or GIF within the admin's upload limit (413 over it).
module.exports = (ctx) => {
  const user = ctx.requireUser()
  const result = ctx.pictures.upload(ctx.event, user.id)
  if (result.errors) {
    ctx.response.status(result.status)
    return ctx.invalid(result.errors)
  }
  ctx.redirect('/me/picture?saved')
}
// the request may carry a picture up to users.avatar's own maxSize; the admin's limit is checked after
module.exports.bodyLimit = ({ pictures }) => pictures.bodyLimit()
// over that, the body is not read: the page again, 413, with the admin's limit beside the file field
module.exports.tooLarge = (ctx) => {
  ctx.requireUser()
  return ctx.invalid({ avatar: `Pictures can be at most ${ctx.pictures.maxKb()} KB; this one is larger.` })
}
