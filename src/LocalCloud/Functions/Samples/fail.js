// Always throws, so its failure can be seen on every surface.
exports.main = async () => {
  throw new Error("the sample function 'fail' always fails");
};
