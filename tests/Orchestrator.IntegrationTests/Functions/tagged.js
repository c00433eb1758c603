// Logs its tag, so a test can tell which invocation a job ran for; waits data.ms; throws when data.fail.
exports.main = async (event) => {
  const data = event.data || {};
  console.log('tag=' + data.tag);
  if (data.ms) await new Promise((resolve) => setTimeout(resolve, data.ms));
  if (data.fail) throw new Error('failed as asked: ' + data.tag);
  return { tag: data.tag === undefined ? null : data.tag, env: event.env || null };
};
