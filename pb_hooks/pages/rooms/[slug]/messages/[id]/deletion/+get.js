// GET asks before deleting (a link must never delete anything).
module.exports = (ctx) => ctx.pages.deletionForm(ctx)
