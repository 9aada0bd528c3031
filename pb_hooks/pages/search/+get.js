// Search results: the messages I may read that contain every word of ?q=, newest first.
module.exports = (ctx) => ctx.pages.searchPage(ctx)
