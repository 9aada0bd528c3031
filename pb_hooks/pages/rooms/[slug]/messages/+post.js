// Posting: 303 back to the room (a refresh never re-posts); htmx gets the message and a fresh form.
module.exports = (ctx) => ctx.pages.postMessage(ctx)
