// Calls FUNCTION with DATA (JSON) through wx-server-sdk pointed at the local cloud; prints the outcome as JSON.
// wx-server-sdk crashes without secretId/secretKey, so dummies are always passed.
const cloud = require('wx-server-sdk');
cloud.init({ env: 'local', secretId: 'AKIDlocal', secretKey: 'local-secret-key', serviceUrl: `${process.env.LOCAL_CLOUD_URL}/admin`, timeout: 10000 });
cloud.callFunction({ name: process.env.FUNCTION, data: JSON.parse(process.env.DATA || '{}') }).then(
  result => console.log(JSON.stringify({ ok: true, result: result.result, requestId: result.requestID })),
  error => console.log(JSON.stringify({ ok: false, code: error.code, errCode: error.errCode, message: error.errMsg })));
