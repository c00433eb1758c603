// Never yields: a CPU loop that sticks its worker's event loop.
exports.main = async () => {
  for (;;) { /* spin */ }
};
