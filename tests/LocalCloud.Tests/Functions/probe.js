// Answers with the event and context it got, and logs the job id so each job's log can be told apart.
exports.main = function (event, callback) {
  console.log('job', event.jobId);
  setTimeout(() => callback(null, { event, context: { jobId: callback.jobId, functionName: callback.functionName } }), 5);
};
