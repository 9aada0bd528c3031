// Posting: 303 back to the room (a refresh never re-posts); htmx gets the message and a fresh form.
module.exports = (ctx) => ctx.pages.postMessage(ctx)
// a paste past the page's form limit was not read: the room again, 413, the reason beside the composer
module.exports.tooLarge = (ctx, message) => ctx.pages.messageTooLarge(ctx, message)
