// The first-run page exists only until the first account does (src/accounts/setup.ts).
module.exports = ({ setup, HttpError }) => {
  if (!setup.isFresh()) throw new HttpError(404, 'Hearth is set up already.')
}
