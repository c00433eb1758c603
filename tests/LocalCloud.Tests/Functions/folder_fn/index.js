// A function in the <dir>/<name>/index.js form, with a module of its own.
const { greet } = require('./greet');
exports.main = async (event) => greet(event.data.name);
