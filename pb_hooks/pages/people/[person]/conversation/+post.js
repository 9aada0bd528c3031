// "Message": opens the direct conversation with this person, making it the first time.
module.exports = (ctx) => ctx.pages.openConversation(ctx)
