// Calls FUNCTION with DATA (JSON) through @cloudbase/node-sdk pointed at the local cloud; prints the outcome as JSON.
// TENCENTCLOUD=true keeps the SDK off the cloud metadata host; the keys are dummies the local cloud accepts.
const tcb = require('@cloudbase/node-sdk');
const options = { env: 'local', serviceUrl: `${process.env.LOCAL_CLOUD_URL}/admin`, timeout: 10000 };
if (process.env.API_KEY) options.accessKey = process.env.API_KEY;
else Object.assign(options, { secretId: 'AKIDlocal', secretKey: 'local-secret-key' });
const app = tcb.init(options);
app.callFunction({ name: process.env.FUNCTION, data: JSON.parse(process.env.DATA || '{}') }).then(
  result => console.log(JSON.stringify({ ok: true, result: result.result, requestId: result.requestId })),
  error => console.log(JSON.stringify({ ok: false, code: error.code, message: error.message, requestId: error.requestId })));
