// Avatars are drawn here and cached by the browser for a day; only people who are signed in see them.
// Rendered messages ask by user id (a name can change); a username works too.
module.exports = (ctx) => {
  if (!ctx.user) throw new ctx.HttpError(401, 'Log in to see avatars.')
  const record = ctx.users.findUser(ctx.params.username)
  if (!record) throw new ctx.HttpError(404, 'Nobody has that username.')
  ctx.response.header('Cache-Control', 'private, max-age=86400')
  return { svg: ctx.avatars.avatarSvg(record.id, record.getString('name') || record.getString('username')) }
}
