module.exports = (ctx) => ctx.pages.memberList(ctx)
