// Every error class, each produced by a real failure: wrong credentials, a missing record,
// a refused value, and the sandbox's fault injection for 5xx, dropped connections, slow
// answers and HTML pages. Only the 403 comes from a tiny stand-in server: the sandbox has no
// account that lacks permissions.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const zk = require('..');
const native = require('../lib/native.js');
const {
  Client,
  ZKBioTimeError,
  AuthenticationError,
  LoginCooldownError,
  PermissionError,
  NotFoundError,
  BadRequestError,
  ServerError,
  TransportError,
  TimeoutError,
  UnexpectedResponseError,
  InvalidArgumentError,
} = zk;

const noRetry = { retries: 0 };
let sandbox;

before(async () => {
  sandbox = await startSandbox();
});
after(() => sandbox.stop());

/** Asserts `promise` rejects with exactly `Class` and the common fields; returns the error. */
async function rejectsWith(promise, Class, fields = {}) {
  let caught;
  await assert.rejects(promise, (e) => {
    caught = e;
    return true;
  });
  assert.ok(caught instanceof Class, `${caught && caught.name}: ${caught && caught.message}`);
  assert.ok(caught instanceof ZKBioTimeError);
  assert.ok(caught instanceof Error);
  assert.equal(caught.name, Class.name);
  for (const [k, v] of Object.entries(fields)) assert.deepEqual(caught[k], v, k);
  assert.equal(typeof caught.detail, 'string');
  assert.ok(caught.detail.length > 0);
  assert.equal(typeof caught.fieldErrors, 'object');
  return caught;
}

describe('error classes', () => {
  it('AuthenticationError, then LoginCooldownError; the password never shows', async () => {
    const client = new Client({ baseUrl: sandbox.url, username: 'admin', password: 'wrong-pw-123' });
    const e = await rejectsWith(client.employees.get(1), AuthenticationError, {
      kind: 'authentication',
      method: 'POST',
    });
    assert.ok([400, 401].includes(e.status), String(e.status));
    assert.ok(!e.message.includes('wrong-pw-123') && !e.stack.includes('wrong-pw-123'));
    const again = await rejectsWith(client.employees.get(1), LoginCooldownError, {
      kind: 'login_cooldown',
    });
    assert.ok(again instanceof AuthenticationError, 'a cool-down is an authentication failure');
    assert.ok(again.retryAfterMs > 0);
  });

  it('AuthenticationError for a rejected static token (401)', async () => {
    const client = new Client({ baseUrl: sandbox.url, token: 'not-a-token', ...noRetry });
    const e = await rejectsWith(client.departments.list().toArray(), AuthenticationError, {
      status: 401,
      method: 'GET',
      path: '/personnel/api/departments/',
    });
    assert.ok(!e.message.includes('not-a-token'));
  });

  it('login() reports a bad password up front', async () => {
    const client = new Client({ baseUrl: sandbox.url, username: 'admin', password: 'nope' });
    await rejectsWith(client.login(), AuthenticationError);
    const good = new Client({ baseUrl: sandbox.url, ...admin });
    assert.equal(await good.login(), undefined);
  });

  it('NotFoundError with status, method, path and detail', async () => {
    const client = new Client({ baseUrl: sandbox.url, ...admin });
    await rejectsWith(client.positions.get(424242), NotFoundError, {
      kind: 'not_found',
      status: 404,
      method: 'GET',
      path: '/personnel/api/positions/424242/',
      detail: 'Not found.',
    });
  });

  it('BadRequestError with fieldErrors', async () => {
    const client = new Client({ baseUrl: sandbox.url, ...admin });
    const e = await rejectsWith(
      client.positions.create({ position_code: '', position_name: '' }),
      BadRequestError,
      { kind: 'bad_request', status: 400, method: 'POST', path: '/personnel/api/positions/' },
    );
    assert.ok(Object.keys(e.fieldErrors).length > 0);
    for (const messages of Object.values(e.fieldErrors)) {
      assert.ok(Array.isArray(messages) && messages.every((m) => typeof m === 'string'));
    }
  });

  it('PermissionError for a 403', async () => {
    const server = createServer((req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: 'You do not have permission to perform this action.' }));
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address();
      const client = new Client({ baseUrl: `http://127.0.0.1:${port}`, token: 't', ...noRetry });
      await rejectsWith(client.employees.get(1), PermissionError, {
        kind: 'permission',
        status: 403,
        method: 'GET',
        path: '/personnel/api/employees/1/',
        detail: 'You do not have permission to perform this action.',
      });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('ServerError for a 5xx, after the retries', async () => {
    const faulty = await startSandbox(['--faults', '500=1'], { after });
    const client = new Client({ baseUrl: faulty.url, ...admin, retries: 2, retryBaseDelayMs: 5 });
    await rejectsWith(client.employees.get(1), ServerError, { kind: 'server', status: 500 });
    // Creates are never retried blindly, and fail the same way.
    await rejectsWith(
      client.positions.create({ position_code: 'p', position_name: 'p' }),
      ServerError,
      { status: 500, method: 'POST' },
    );
  });

  it('TransportError for a dropped connection and for a closed port', async () => {
    const faulty = await startSandbox(['--faults', 'drop=1'], { after });
    const client = new Client({ baseUrl: faulty.url, ...admin, ...noRetry });
    await rejectsWith(client.employees.get(1), TransportError, { kind: 'transport' });

    const server = createServer();
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address();
    await new Promise((r) => server.close(r));
    const refused = new Client({ baseUrl: `http://127.0.0.1:${port}`, token: 't', ...noRetry });
    const e = await rejectsWith(refused.employees.get(1), TransportError, { status: undefined });
    assert.match(e.detail, /connect/i);
  });

  it('TimeoutError when an answer takes longer than timeoutMs', async () => {
    const slow = await startSandbox(['--faults', 'slow=1,slow-ms=3000'], { after });
    const client = new Client({ baseUrl: slow.url, ...admin, ...noRetry, timeoutMs: 300 });
    const started = Date.now();
    await rejectsWith(client.employees.get(1), TimeoutError, { kind: 'timeout' });
    assert.ok(Date.now() - started < 2500, 'the timeout cut the wait short');
  });

  it('UnexpectedResponseError for an HTML page with HTTP 200', async () => {
    const html = await startSandbox(['--faults', 'html=1'], { after });
    const client = new Client({ baseUrl: html.url, ...admin, ...noRetry });
    await rejectsWith(client.employees.list().toArray(), UnexpectedResponseError, {
      kind: 'unexpected_response',
    });
  });

  it('options are the core settings: every one accepted, messages in option names', async () => {
    // Generated from the core's Config: a setting added there is an option here.
    const table = require('../lib/options.generated.js');
    for (const name of ['maxResponseBytes', 'retryBudgetMs', 'acceptLanguage', 'ca']) {
      assert.ok(table.some((o) => o.option === name), name);
    }
    const tiny = new Client({ baseUrl: sandbox.url, ...admin, maxResponseBytes: 1024, ...noRetry });
    await assert.rejects(tiny.employees.list().toArray(), (e) => e instanceof ZKBioTimeError);
    const roomy = new Client({ baseUrl: sandbox.url, ...admin, maxResponseBytes: 1 << 24 });
    assert.ok((await roomy.employees.list().toArray()).length > 0);
    for (const [options, pattern] of [
      [{ pageSize: 0 }, /pageSize/],
      [{ timeoutMs: 0 }, /timeoutMs must be a positive number of milliseconds/],
      [{ concurrency: 'four' }, /concurrency/],
      [{ auth: 'kerberos' }, /kerberos/],
      [{ maxResponseBytes: 10 }, /maxResponseBytes must be at least 1024/],
    ]) {
      assert.throws(
        () => new Client({ baseUrl: sandbox.url, ...admin, ...options }),
        (e) => e instanceof InvalidArgumentError && pattern.test(e.message) && !/page_size|timeout must/.test(e.message),
        JSON.stringify(options),
      );
    }
  });

  it('InvalidArgumentError for bad options, before any request', () => {
    const bad = [
      undefined,
      {},
      { baseUrl: 'not a url', ...admin },
      { baseUrl: 'ftp://x', ...admin },
      { baseUrl: sandbox.url },
      { baseUrl: sandbox.url, username: 'admin' },
      { baseUrl: sandbox.url, ...admin, token: 't' },
      { baseUrl: sandbox.url, ...admin, timezone: 'Mars/Olympus' },
      { baseUrl: sandbox.url, ...admin, pagesize: 10 },
      { baseUrl: sandbox.url, ...admin, timeoutMs: 'soon' },
      { baseUrl: sandbox.url, ...admin, ca: '/no/such/ca.pem' },
    ];
    for (const options of bad) {
      assert.throws(
        () => new Client(options),
        (e) => e instanceof InvalidArgumentError && e.kind === 'invalid_argument',
        JSON.stringify(options),
      );
    }
  });

  it('a Rust panic is an error of the base class, never a crash', async () => {
    assert.throws(
      () => native.__panicForTests(),
      (e) => {
        const mapped = zk.ZKBioTimeError && require('../lib/errors.js').fromNative(e);
        return mapped instanceof ZKBioTimeError && /deliberate panic/.test(mapped.message);
      },
    );
    await assert.rejects(native.__panicForTestsAsync(), (e) => {
      const mapped = require('../lib/errors.js').fromNative(e);
      assert.equal(mapped.constructor, ZKBioTimeError);
      assert.equal(mapped.kind, 'internal');
      return /deliberate panic/.test(mapped.message);
    });
    // The addon still works afterwards.
    const client = new Client({ baseUrl: sandbox.url, ...admin });
    assert.equal((await client.employees.get(1)).emp_code, '1');
  });
});
