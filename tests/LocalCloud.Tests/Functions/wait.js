// Waits `ms` milliseconds, then answers its input, logging before and after.
exports.main = async (event) => {
  const input = event.data !== undefined ? event.data : event;
  console.log('start', input.tag);
  await new Promise(resolve => setTimeout(resolve, input.ms || 0));
  console.log('end', input.tag);
  return input;
};
