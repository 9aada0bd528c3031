// A person's face, for people who are signed in: their picture when they uploaded one, else their
// initials, drawn here and cached by the browser for a day. Rendered pages ask by user id (a name
// can change) and name the picture's file (?v=); a username works too.
module.exports = (ctx) => {
  if (!ctx.user) throw new ctx.HttpError(401, 'Log in to see avatars.')
  const record = ctx.users.findUser(ctx.params.username)
  if (!record) throw new ctx.HttpError(404, 'Nobody has that username.')
  ctx.pictures.serve(ctx.event, record, ctx.request.query.v || '')
  ctx.response.header('Cache-Control', 'private, max-age=86400')
  return { svg: ctx.avatars.avatarSvg(record.id, record.getString('name') || record.getString('username')) }
}
