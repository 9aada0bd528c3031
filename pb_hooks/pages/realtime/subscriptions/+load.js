module.exports = (ctx) => {
  if (ctx.request.method !== 'POST') throw new ctx.HttpError(405, 'Subscribe with POST.')
}
