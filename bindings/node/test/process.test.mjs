// The process around the addon: a script that finished its work exits on its own (no
// handle keeps the event loop alive), an unhandled failure ends it normally (exit code 1,
// not an abort), and nothing secret reaches the console.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { admin, packageDir, startSandbox } from './helpers.mjs';

let sandbox;

before(async () => {
  sandbox = await startSandbox(['--employees', '30', '--days', '2']);
});
after(() => sandbox.stop());

/** Runs a CommonJS snippet in a fresh node; resolves to { code, signal, stdout, stderr, ms }. */
function runScript(source, { timeoutMs = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['-e', source], {
      cwd: packageDir,
      env: { ...process.env, ZKBIO_URL: sandbox.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`script still running after ${timeoutMs} ms: ${stdout} ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const prelude = `
const { Client, NotFoundError } = require('./');
const client = new Client({ baseUrl: process.env.ZKBIO_URL, username: '${admin.username}', password: '${admin.password}' });
`;

it('a script that did reads, a failed call and a full pull exits by itself', async () => {
  const r = await runScript(`${prelude}
(async () => {
  const e = await client.employees.get(1);
  await client.employees.get(999999).catch((err) => { if (!(err instanceof NotFoundError)) throw err; });
  const all = await client.transactions.list().toArray();
  await Promise.all(Array.from({ length: 20 }, (_, i) => client.transactions.get(i + 1)));
  console.log('done', e.emp_code, all.length);
})();
`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^done 1 \d+/);
  assert.ok(r.ms < 10000, `${r.ms} ms`);
});

it('leaving a list early does not keep the process alive', async () => {
  const r = await runScript(`${prelude}
(async () => {
  for await (const p of client.transactions.list()) { console.log('first', p.id); break; }
  const pages = client.transactions.list().pages();
  await pages.next();
  // An iterator abandoned without return(): its prefetch must not hold the loop either.
})();
`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^first \d+/);
});

it('works in worker threads too, each with its own copy of the addon', async () => {
  // Each JS environment (main thread, every worker) loads the addon afresh and hands it the
  // row decoders (lib/native.js): records must come out whole in both, and the script end.
  const body = `${prelude}
(async () => {
  const all = await client.transactions.list().toArray();
  const d = await client.departments.get(1);
  return [all.length, all[0].punch_time_raw, typeof all[0].extra, d.dept_name].join(' ');
})()`;
  const r = await runScript(`
const { Worker } = require('node:worker_threads');
const body = ${JSON.stringify(body)};
eval(body).then((line) => {
  console.log('main', line);
  const post = ".then((line) => require('node:worker_threads').parentPort.postMessage(line))";
  new Worker(body + post, { eval: true }).on('message', (m) => console.log('worker', m));
});
`);
  assert.equal(r.code, 0, r.stderr);
  const [main, worker] = r.stdout.trim().split('\n');
  assert.match(main, /^main \d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d object \S/);
  assert.equal(worker.replace(/^worker /, ''), main.replace(/^main /, ''));
});

it('a client that is never used does not keep the process alive', async () => {
  const r = await runScript(`${prelude} console.log('made', String(client));`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), `made Client(${sandbox.url})`);
});

it('an unhandled rejection ends the process with code 1, not a crash', async () => {
  const r = await runScript(`${prelude} client.employees.get(424242);`);
  assert.equal(r.signal, null);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /NotFoundError/);
});

it('a panic inside the addon is caught; the script carries on and exits normally', async () => {
  const r = await runScript(`
const native = require('./lib/native.js');
const { fromNative } = require('./lib/errors.js');
try { native.__panicForTests(); } catch (e) { console.log('sync', fromNative(e).name); }
native.__panicForTestsAsync().catch((e) => console.log('async', fromNative(e).name));
`);
  assert.equal(r.signal, null);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /sync ZKBioTimeError/);
  assert.match(r.stdout, /async ZKBioTimeError/);
});

it('printing a client, an error or a written employee shows no secret', async () => {
  const r = await runScript(`
const { Client } = require('./');
const client = new Client({ baseUrl: process.env.ZKBIO_URL, username: 'admin', password: 'admin123' });
const wrong = new Client({ baseUrl: process.env.ZKBIO_URL, username: 'admin', password: 'S3cret-Wrong' });
(async () => {
  console.log(client, String(client));
  await wrong.employees.get(1).catch((e) => console.log(e));
  const w = await client.employees.create({ emp_code: 'print-me', department: 1, area: [1] });
  console.log(w);
  console.log(JSON.stringify(w));
  console.log('hash-length', w.self_password.expose().length);
  process.stderr.write(w.self_password.expose());
})();
`);
  assert.equal(r.code, 0, r.stderr);
  const hash = r.stderr;
  assert.ok(hash.length > 10);
  assert.ok(!r.stdout.includes(hash), 'the hash was printed');
  assert.ok(!r.stdout.includes('admin123') && !r.stdout.includes('S3cret-Wrong'));
  assert.match(r.stdout, /self_password: Secret\(\*\*\*\)/);
  assert.match(r.stdout, /"self_password":"\*\*\*"/);
});
