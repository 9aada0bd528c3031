// The room's owner restores a message the community hid: it reappears for everyone.
module.exports = (ctx) => ctx.pages.restoreMessage(ctx)
