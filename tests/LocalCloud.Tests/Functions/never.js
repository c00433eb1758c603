// Never calls back and never resolves.
exports.main = function (event, callback) {};
