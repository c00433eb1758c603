// Answers with what it was given. On MinApp the input is event.data; on CloudBase and WeChat it is the event itself.
exports.main = async (event) => (event.data !== undefined ? event.data : event);
