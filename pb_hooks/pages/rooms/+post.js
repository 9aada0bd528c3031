module.exports = (ctx) => ctx.pages.createRoom(ctx)
