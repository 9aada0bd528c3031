// "I am typing" (sent by the composer's script, at most every few seconds): shown to the others now, never kept.
module.exports = (ctx) => ctx.pages.typing(ctx)
