// A reaction given or taken back: 303 back to the message; htmx gets the message's new fragment.
module.exports = (ctx) => ctx.pages.toggleReaction(ctx)
