module.exports = (ctx) => {
  const admin = ctx.requireAdmin()
  return { people: ctx.disabling.people(), me: admin.id }
}
