// The seeds' `add`: x + y, written in MinApp's callback form.
exports.main = function (event, callback) {
  const input = event.data !== undefined ? event.data : event;
  if (typeof input.x !== 'number' || typeof input.y !== 'number') {
    callback(new TypeError("add needs numbers 'x' and 'y'"));
    return;
  }
  console.log('adding', input.x, input.y);
  callback(null, input.x + input.y);
};
