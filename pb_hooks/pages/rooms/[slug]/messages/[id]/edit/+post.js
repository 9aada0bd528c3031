module.exports = (ctx) => ctx.pages.editMessage(ctx)
// an edit past the page's form limit was not read: the form again, 413, the reason beside the text
module.exports.tooLarge = (ctx, message) => ctx.pages.editTooLarge(ctx, message)
