module.exports = (ctx) => ctx.pages.editForm(ctx)
