'use strict';
// A long-lived function worker of the local cloud. It runs many jobs at once on one event loop.
// Protocol: one JSON message per line. Lines this worker writes for the host start with \x1e, so
// anything a function writes to stdout by itself cannot be mistaken for a reply.
//   host -> worker  {t:'run', id, key, code?, filename?, event}   run `key`'s main (code sent once per worker)
//                   {t:'cancel', id}                              forget a job the host gave up on
//                   {t:'ping', id}                                liveness check, answered with pong
//   worker -> host  {t:'done', id, status, data, error, log, mem, ms}
//                   {t:'pong', id}
const { AsyncLocalStorage } = require('node:async_hooks');
const { createRequire } = require('node:module');
const path = require('node:path');
const readline = require('node:readline');
const util = require('node:util');
const vm = require('node:vm');

const MAX_LOG_CHARS = 64 * 1024;
const current = new AsyncLocalStorage();
const modules = new Map();
const jobs = new Map();

// Replies go through the real stdout; what a function writes to stdout itself lands in its job's log (or stderr),
// so it can neither split nor forge a reply line.
const writeReply = process.stdout.write.bind(process.stdout);
function send(message) {
  writeReply('\x1e' + JSON.stringify(message) + '\n');
}

function logLine(level, text) {
  const line = `${new Date().toISOString()} ${level} ${text}\n`;
  const job = current.getStore();
  if (!job) {
    process.stderr.write(line);
  } else if (job.logChars < MAX_LOG_CHARS) {
    const kept = line.length <= MAX_LOG_CHARS - job.logChars ? line : line.slice(0, MAX_LOG_CHARS - job.logChars) + '…[log truncated]\n';
    job.log.push(kept);
    job.logChars += kept.length;
  }
}

// console.* of a function lands in its own job's log, in MinApp's "<ISO time> LOG <text>" format.
for (const [method, level] of [['log', 'LOG'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG']]) {
  console[method] = (...args) => logLine(level, util.format(...args));
}
process.stdout.write = (chunk, encoding, callback) => {
  logLine('LOG', String(chunk).replace(/\n$/, ''));
  if (typeof encoding === 'function') encoding();
  else if (typeof callback === 'function') callback();
  return true;
};

function load(message) {
  let loaded = modules.get(message.key);
  if (!loaded) {
    if (typeof message.code !== 'string') throw Object.assign(new Error(`the code of ${message.key} was never sent to this worker`), { name: 'InternalError' });
    try {
      loaded = { main: compile(message) };
    } catch (error) {
      loaded = { error };
    }
    modules.set(message.key, loaded);
  }
  if (loaded.error) throw loaded.error;
  return loaded.main;
}

function compile(message) {
  const filename = message.filename || path.join(process.cwd(), 'functions', `${message.key}.js`);
  const wrapper = vm.compileFunction(message.code, ['exports', 'require', 'module', '__filename', '__dirname'], { filename });
  const module = { exports: {} };
  wrapper.call(module.exports, module.exports, createRequire(filename), module, filename, path.dirname(filename));
  const main = module.exports && module.exports.main;
  if (typeof main !== 'function') throw Object.assign(new Error('the function code does not export a main function (exports.main)'), { name: 'TypeError' });
  return main;
}

// The worker's own frames say nothing to a function's author.
function stackOf(error) {
  return String(error.stack || '').split('\n').filter(line => !line.includes(__filename) && !line.includes('node:internal') && !line.includes('node:vm')).join('\n');
}

function describe(error) {
  try {
    if (error instanceof Error) return { message: String(error.message), stack: stackOf(error), type: String(error.name || 'Error') };
    return { message: typeof error === 'string' ? error : util.inspect(error), stack: '', type: 'Error' };
  } catch {
    return { message: 'the function failed with an error that cannot be described', stack: '', type: 'Error' };
  }
}

function settle(job, status, error, value) {
  if (job.settled || !jobs.has(job.id)) return;
  job.settled = true;
  jobs.delete(job.id);
  let data = null;
  if (status === 'fulfilled' && value !== undefined) {
    try {
      data = JSON.parse(JSON.stringify(value) ?? 'null');
    } catch (serializationError) {
      status = 'execution_failed';
      error = serializationError;
    }
  }
  const failure = status === 'fulfilled' ? null : describe(error);
  if (failure) job.log.push(`${new Date().toISOString()} ERROR ${failure.stack || `${failure.type}: ${failure.message}`}\n`);
  send({
    t: 'done',
    id: job.id,
    status,
    data,
    error: failure,
    log: job.log.join(''),
    mem: process.memoryUsage.rss(),
    ms: Number(process.hrtime.bigint() - job.started) / 1e6,
  });
}

function run(message) {
  const job = { id: message.id, log: [], logChars: 0, settled: false, started: process.hrtime.bigint() };
  jobs.set(job.id, job);
  current.run(job, () => {
    let main;
    try {
      main = load(message);
    } catch (error) {
      settle(job, 'execution_rejected', error);
      return;
    }
    // One argument serves both forms: MinApp's callback(err, value) and the (event, context) form,
    // so the second argument is a function that also carries the context's fields.
    const callback = (error, value) => settle(job, error ? 'execution_failed' : 'fulfilled', error || null, value);
    Object.assign(callback, message.context || {});
    try {
      const returned = main(message.event, callback);
      if (returned && typeof returned.then === 'function') {
        returned.then(
          value => settle(job, 'fulfilled', null, value),
          error => settle(job, 'execution_failed', error || new Error('the function rejected without a reason')));
      } else if (returned !== undefined) {
        settle(job, 'fulfilled', null, returned);
      }
    } catch (error) {
      settle(job, 'execution_failed', error);
    }
  });
}

function failCurrentJob(error) {
  const job = current.getStore();
  if (job) {
    settle(job, 'execution_failed', error);
  } else {
    process.stderr.write(`uncaught outside any job: ${error && error.stack ? error.stack : error}\n`);
  }
}
process.on('uncaughtException', failCurrentJob);
process.on('unhandledRejection', failCurrentJob);

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', line => {
  if (!line) return;
  const message = JSON.parse(line);
  if (message.t === 'run') run(message);
  else if (message.t === 'cancel') jobs.delete(message.id);
  else if (message.t === 'ping') send({ t: 'pong', id: message.id });
});
// The host closed stdin: finish the jobs still running, then leave once the last reply is written.
input.on('close', () => {
  const leave = () => (jobs.size === 0 ? writeReply('', () => process.exit(0)) : setTimeout(leave, 10));
  leave();
});
