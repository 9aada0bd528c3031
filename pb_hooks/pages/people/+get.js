// A person's page, where a mention leads; anyone signed in sees it (PocketBase's API shows them the same).
module.exports = (ctx) => ctx.pages.person(ctx)
