// Global setup hook: later suites (Azurite) register here. Kept as a plain JS file so jest needs no transform for it.
module.exports = async () => {};
