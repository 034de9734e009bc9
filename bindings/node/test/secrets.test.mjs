// Secrets never show: a child process runs the client with the most verbose logging the
// binding has (ZKBIOTIME_LOG=trace: the core's `tracing` logs on stderr) through a password
// login, a static token, an employee create (its answer holds a `self_password` hash) and a
// wrong password, and prints `console.log` / `util.inspect` / `JSON.stringify` / `String` of
// the clients, records and errors, and every error's message. Nothing it writes may hold the
// password, a token, the device password or the hash.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageDir, startSandbox } from './helpers.mjs';

const password = `Pw-${randomBytes(9).toString('hex')}`;
const wrongPassword = `Wrong-${randomBytes(9).toString('hex')}`;
const staticToken = randomBytes(20).toString('hex');
const wrongToken = randomBytes(20).toString('hex');
const devicePassword = String(100000 + (randomBytes(3).readUIntBE(0, 3) % 900000));

let sandbox;
let work;

before(async () => {
  sandbox = await startSandbox(['--password', password, '--static-token', staticToken]);
  const base = process.env.ZKBIO_NODE_WORK || tmpdir();
  mkdirSync(base, { recursive: true });
  work = mkdtempSync(join(base, 'zkbiotime-secrets-'));
});
after(async () => {
  await sandbox.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

// The child: CommonJS, the package by its directory (its public entry).
const CHILD = String.raw`
const { inspect } = require('node:util');
const { writeFileSync } = require('node:fs');
const zk = require(process.env.ZKBIO_PACKAGE);
const s = JSON.parse(process.env.ZKBIO_SECRETS_CHILD);

function show(label, v) {
  console.log('--- ' + label);
  console.log(v);
  console.error(v);
  console.log(inspect(v, { depth: Infinity, showHidden: true, getters: true }));
  console.log(JSON.stringify(v));
  console.log(String(v));
  console.log(label + ': ' + v);
}

function showError(label, e) {
  if (!(e instanceof zk.ZKBioTimeError)) throw e;
  show(label, e);
  console.log(e.message);
  console.log(e.detail);
  console.log(e.stack);
  console.log(JSON.stringify(e.fieldErrors));
  if (e.cause !== undefined) show(label + ' cause', e.cause);
}

async function fails(label, promise) {
  try {
    await promise;
  } catch (e) {
    showError(label, e);
    return e.name;
  }
  throw new Error(label + ' did not fail');
}

async function main() {
  // Password login (DRF token), reads and an employee create.
  const client = new zk.Client({ baseUrl: s.url, username: 'admin', password: s.password });
  await client.login();
  show('password client', client);
  show('employee 1', await client.employees.get(1));
  const created = await client.employees.create({
    emp_code: 'secret-1',
    first_name: 'Secret',
    department: 1,
    area: [1],
    device_password: s.devicePassword,
    extra: { 'Primary Job': 'Keeper' },
  });
  // The hash goes to the parent through a file, never through the output.
  writeFileSync(s.hashFile, created.self_password.expose());
  show('created', created);
  show('self_password', created.self_password);
  show('device_password', created.device_password);
  show('updated', await client.employees.update(created.id, { device_password: s.devicePassword }));
  show('read back', await client.employees.get(created.id));
  show('upserted', await client.employees.upsert({ emp_code: 'secret-1', department: 1, area: [1], device_password: s.devicePassword }));
  show('list', await client.employees.list({ emp_code: 'secret-1' }).toArray());
  await fails('duplicate', client.employees.create({ emp_code: 'secret-1', department: 1, area: [1], device_password: s.devicePassword }));

  // JWT login with the same password.
  const jwt = new zk.Client({ baseUrl: s.url, username: 'admin', password: s.password, jwt: true });
  show('jwt terminal', await jwt.terminals.get(1));
  show('jwt client', jwt);

  // A static token.
  const tokenClient = new zk.Client({ baseUrl: s.url, token: s.token });
  show('token client', tokenClient);
  show('terminal', await tokenClient.terminals.get(1));
  show('sync', await tokenClient.transactions.sync(undefined, { max: 5 }));
  const badToken = new zk.Client({ baseUrl: s.url, token: s.wrongToken });
  show('bad token client', badToken);
  await fails('wrong token', badToken.terminals.get(1));

  // A wrong password, then the cool-down.
  const wrong = new zk.Client({ baseUrl: s.url, username: 'admin', password: s.wrongPassword });
  show('wrong password client', wrong);
  const first = await fails('wrong password', wrong.employees.get(1));
  const second = await fails('cool-down', wrong.login());
  if (first !== 'AuthenticationError' || second !== 'LoginCooldownError') {
    throw new Error('unexpected errors: ' + first + ', ' + second);
  }

  // Options the client refuses: the message names the problem, not the values.
  try {
    new zk.Client({ baseUrl: s.url, token: s.token, username: 'admin', password: s.password });
    throw new Error('token and password together were accepted');
  } catch (e) {
    showError('token and password', e);
  }
  try {
    new zk.Client({ baseUrl: s.url, username: 'admin', password: s.password, pageSize: 'ten' });
    throw new Error('a bad page size was accepted');
  } catch (e) {
    showError('bad option', e);
  }
}

main().then(
  () => console.log('child done'),
  (e) => {
    console.error('child failed: ' + (e && e.stack));
    process.exitCode = 1;
  },
);
`;

/** Runs the child; resolves to `{ code, output }` (stdout and stderr, interleaved). */
function runChild(env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD], {
      cwd: packageDir,
      env: { ...process.env, ...env, ZKBIO_PACKAGE: packageDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/** Where `secret` occurs in `output`, with the secret itself masked. */
function leak(output, secret) {
  const at = output.indexOf(secret);
  if (at < 0) return undefined;
  const around = output.slice(Math.max(0, at - 200), at + secret.length + 200);
  return around.split(secret).join('<SECRET>');
}

async function loginToken() {
  const r = await fetch(`${sandbox.url}/api-token-auth/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  assert.equal(r.status, 200);
  const { token } = await r.json();
  assert.ok(token && token.length >= 20);
  return token;
}

it('no password, token or password hash in trace logs, printed objects or error messages', async () => {
  const hashFile = join(work, 'hash');
  const { code, output } = await runChild({
    ZKBIOTIME_LOG: 'trace',
    ZKBIO_SECRETS_CHILD: JSON.stringify({
      url: sandbox.url,
      password,
      wrongPassword,
      token: staticToken,
      wrongToken,
      devicePassword,
      hashFile,
    }),
  });
  // The DRF token the password login got (the server keeps one per user).
  const token = await loginToken();
  const hash = existsSync(hashFile) ? readFileSync(hashFile, 'utf8') : '';
  const known = [password, wrongPassword, staticToken, wrongToken, token, devicePassword, hash];
  assert.equal(code, 0, `child failed:\n${maskAll(output, known.filter(Boolean)).slice(-4000)}`);
  assert.ok(hash.length > 10, 'the create answer held a password hash');

  const secrets = {
    password,
    'wrong password': wrongPassword,
    'static token': staticToken,
    'wrong token': wrongToken,
    'login token': token,
    'device password': devicePassword,
    'password hash': hash,
    // The digest alone (the last `$` part of `algorithm$iterations$salt$digest`).
    'password hash digest': hash.split('$').at(-1),
  };
  for (const [what, secret] of Object.entries(secrets)) {
    assert.ok(secret.length >= 6, `${what} is long enough to search for`);
    const where = leak(output, secret);
    assert.equal(where, undefined, `the ${what} appears in the output:\n${where}`);
  }

  // The run did what it says: it logged at trace level and printed the objects and errors.
  assert.match(output, /child done/);
  assert.match(output, /zkbiotime login succeeded/, 'the core logged (debug)');
  assert.match(output, /zkbiotime response/);
  assert.match(output, /TRACE/, 'trace level is on');
  assert.match(output, /Secret\(\*\*\*\)/);
  assert.match(output, /AuthenticationError/);
  assert.match(output, /LoginCooldownError/);
  assert.match(output, /InvalidArgumentError/);
  assert.match(output, /BadRequestError/);
});

it('without ZKBIOTIME_LOG the addon logs nothing; a bad value is reported and ignored', async () => {
  const code = String.raw`
    const zk = require(process.env.ZKBIO_PACKAGE);
    const c = new zk.Client({ baseUrl: process.argv[1], username: 'admin', password: process.argv[2] });
    c.employees.get(1).then((e) => console.log('got', e.emp_code));
  `;
  const run = (env) =>
    new Promise((resolve, reject) => {
      const childEnv = { ...process.env, ...env, ZKBIO_PACKAGE: packageDir };
      if (env.ZKBIOTIME_LOG === undefined) delete childEnv.ZKBIOTIME_LOG;
      const child = spawn(process.execPath, ['-e', code, sandbox.url, password], {
        env: childEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.once('error', reject);
      child.once('close', (status) => resolve({ status, stdout, stderr }));
    });

  const quiet = await run({ ZKBIOTIME_LOG: undefined });
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.equal(quiet.stdout.trim(), 'got 1');
  assert.equal(quiet.stderr, '');

  const some = await run({ ZKBIOTIME_LOG: 'zkbiotime=debug' });
  assert.equal(some.status, 0, some.stderr);
  assert.match(some.stderr, /zkbiotime response/);
  assert.doesNotMatch(some.stderr, /TRACE/);

  const bad = await run({ ZKBIOTIME_LOG: 'zkbiotime=loud' });
  assert.equal(bad.status, 0, bad.stderr);
  assert.equal(bad.stdout.trim(), 'got 1');
  assert.match(bad.stderr, /ignoring ZKBIOTIME_LOG/);
});

function maskAll(text, secrets) {
  let out = text;
  for (const s of secrets) out = out.split(s).join('<SECRET>');
  return out;
}
