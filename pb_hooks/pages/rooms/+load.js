module.exports = (ctx) => ({ rooms: ctx.rooms.visibleRooms(ctx.requireUser()) })
