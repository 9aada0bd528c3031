module.exports = (ctx) => {
  ctx.requireAdmin()
  return { people: ctx.disabling.people() }
}
