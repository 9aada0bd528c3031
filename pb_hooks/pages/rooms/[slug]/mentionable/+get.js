// Name completion for the composer (pb_public/hearth-composer.js): the room's members whose name
// starts with ?prefix=, as JSON. Typing the whole @username works without it.
module.exports = (ctx) => ctx.pages.mentionable(ctx)
