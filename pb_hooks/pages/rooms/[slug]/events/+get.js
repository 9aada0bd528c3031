// Catch-up: the room's events after the position a browser last saw (?after=<position>), where it
// saw the event ?event=<id> (a history that reuses positions then asks the browser to reload).
module.exports = (ctx) => ctx.pages.catchUp(ctx)
