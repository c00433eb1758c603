// Sleeps `ms` milliseconds (default 2000), then answers how long it slept.
exports.main = async (event) => {
  const input = event.data !== undefined ? event.data : event;
  const ms = typeof input.ms === 'number' ? Math.max(0, input.ms) : 2000;
  await new Promise(resolve => setTimeout(resolve, ms));
  return { sleptMs: ms };
};
