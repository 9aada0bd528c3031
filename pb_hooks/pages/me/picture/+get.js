module.exports = (ctx) => {
  ctx.requireUser()
  return { saved: 'saved' in ctx.request.query }
}
