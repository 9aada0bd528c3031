// The reader has seen the room up to message number=<n> (sent by the page's script as live messages arrive while it is seen).
module.exports = (ctx) => ctx.pages.readUpTo(ctx)
