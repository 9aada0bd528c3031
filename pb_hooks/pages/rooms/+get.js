module.exports = (ctx) => ctx.pages.roomList(ctx)
