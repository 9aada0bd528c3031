// The room page: the newest messages, or an older page of them (?before=<number>).
module.exports = (ctx) => ctx.pages.roomPage(ctx)
