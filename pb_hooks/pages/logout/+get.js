module.exports = (ctx) => {
  ctx.requireUser()
}
