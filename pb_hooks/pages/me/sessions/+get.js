// The browsers I am signed in on: where, and when each was last used.
module.exports = (ctx) => ({ sessions: ctx.session.sessionsOf(ctx.requireUser()) })
