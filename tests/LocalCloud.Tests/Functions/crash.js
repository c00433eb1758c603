// Takes its worker down with it.
exports.main = async () => {
  setTimeout(() => process.exit(3), 5);
  await new Promise(() => {});
};
