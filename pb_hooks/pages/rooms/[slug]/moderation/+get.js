// A room's moderation log: every hide and restore; the owner also reads and restores hidden messages.
module.exports = (ctx) => ctx.pages.moderationPage(ctx)
