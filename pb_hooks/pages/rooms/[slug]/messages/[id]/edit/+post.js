module.exports = (ctx) => ctx.pages.editMessage(ctx)
