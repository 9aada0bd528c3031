module.exports = (ctx) => ctx.pages.addMember(ctx)
