// client.withOptions({ timeoutMs, retries, signal }): other limits for the calls made
// through the returned client, on the same session.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client, InvalidArgumentError, ServerError, TimeoutError } = require('..');

describe('withOptions', () => {
  it('timeoutMs bounds a call on a slow server; the base client still waits', async () => {
    const slow = await startSandbox(['--faults', 'slow=1,slow-ms=1500'], { after });
    const client = new Client({ baseUrl: slow.url, ...admin, retries: 0 });
    const started = Date.now();
    await assert.rejects(client.withOptions({ timeoutMs: 200 }).employees.get(1), (e) => {
      assert.ok(e instanceof TimeoutError, String(e));
      assert.match(`${e.message} ${e.detail}`, /limit of 200 ms/);
      return true;
    });
    assert.ok(Date.now() - started < 1200, 'cut short by the call limit');
    assert.equal((await client.employees.get(1)).id, 1);
  });

  it('retries: 0 makes one attempt where the base client retries', async () => {
    // A server that answers every request with a 500, and counts them.
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"detail": "boom"}');
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    after(() => new Promise((r) => server.close(r)));
    const url = `http://127.0.0.1:${server.address().port}`;
    const client = new Client({ baseUrl: url, token: 't', retries: 2, retryBaseDelayMs: 1 });
    await assert.rejects(client.employees.get(1), ServerError);
    assert.equal(requests, 3, 'the first attempt and two retries');
    await assert.rejects(client.withOptions({ retries: 0 }).employees.get(1), ServerError);
    assert.equal(requests, 4, 'one attempt');
  });

  it('an AbortSignal ends pending calls and lists with its reason', async () => {
    const slow = await startSandbox(['--employees', '30', '--faults', 'slow=1,slow-ms=800'], { after });
    const client = new Client({ baseUrl: slow.url, ...admin, pageSize: 5 });
    const controller = new AbortController();
    const view = client.withOptions({ signal: controller.signal });
    const pending = view.employees.get(1);
    const list = view.employees.list().toArray();
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(pending, { name: 'AbortError' });
    await assert.rejects(list, { name: 'AbortError' });
    // After the abort, calls reject at once, with a custom reason too.
    const other = new AbortController();
    other.abort(new Error('shutting down'));
    const started = Date.now();
    await assert.rejects(client.withOptions({ signal: other.signal }).employees.get(1), /shutting down/);
    assert.ok(Date.now() - started < 500, 'no request made');
    // The base client is not affected.
    assert.equal((await client.employees.get(2)).id, 2);
  });

  it('bad options are InvalidArgumentError', () => {
    const client = new Client({ baseUrl: 'http://127.0.0.1:9', ...admin });
    for (const bad of [{ timeoutMs: 0 }, { timeoutMs: 1.5 }, { retries: -1 }, { signal: {} }, { timeout: 5 }]) {
      assert.throws(() => client.withOptions(bad), InvalidArgumentError, JSON.stringify(bad));
    }
  });
});
