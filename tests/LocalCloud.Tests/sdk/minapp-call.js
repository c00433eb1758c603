// Calls FUNCTION with DATA (JSON) through minapp-sdk's web build pointed at the local cloud; prints the outcome as JSON.
// The web build expects a browser: a window with localStorage, and XMLHttpRequest (from xhr2).
const storage = new Map();
globalThis.window = {
  addEventListener() {},
  removeEventListener() {},
  location: { href: 'http://localhost/', origin: 'http://localhost' },
  localStorage: { getItem: key => (storage.has(key) ? storage.get(key) : null), setItem: (key, value) => storage.set(key, String(value)), removeItem: key => storage.delete(key) },
};
globalThis.XMLHttpRequest = require('xhr2');
const BaaS = require('minapp-sdk/lib/web.js');
BaaS.init(process.env.CLIENT_ID || 'local-client-id', { host: process.env.LOCAL_CLOUD_URL });
(async () => {
  if (process.env.LOGIN === '1') await BaaS.auth.anonymousLogin();
  const result = await BaaS.invoke(process.env.FUNCTION, JSON.parse(process.env.DATA || '{}'), process.env.SYNC !== '0');
  console.log(JSON.stringify({ ok: true, result }));
})().catch(error => console.log(JSON.stringify({ ok: false, code: error && error.code, message: error && error.message })));
