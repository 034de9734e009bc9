// Many calls in flight on one client: results are complete and each goes to its caller.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { createRequire } from 'node:module';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client, NotFoundError } = require('..');

let sandbox;
let client;

before(async () => {
  sandbox = await startSandbox(['--employees', '60', '--days', '2']);
  client = new Client({ baseUrl: sandbox.url, ...admin, pageSize: 50 });
});
after(() => sandbox.stop());

it('Promise.all of 50 gets: every answer belongs to its request', async () => {
  const ids = (await client.employees.list().toArray()).map((e) => e.id).slice(0, 50);
  assert.equal(ids.length, 50);
  const got = await Promise.all(ids.map((id) => client.employees.get(id)));
  assert.deepEqual(
    got.map((e) => e.id),
    ids,
  );
});

it('Promise.all of 50 mixed calls: reads, pages, lists and failures side by side', async () => {
  const calls = [];
  for (let i = 0; i < 50; i++) {
    switch (i % 5) {
      case 0:
        calls.push(client.transactions.get(i + 1).then((p) => p.id));
        break;
      case 1:
        calls.push(client.employees.page(1).then((p) => p.items.length));
        break;
      case 2:
        calls.push(client.departments.list().toArray().then((d) => d.length > 0));
        break;
      case 3:
        calls.push(client.areas.get(900000 + i).catch((e) => e instanceof NotFoundError));
        break;
      default:
        calls.push(client.transactions.list({ emp_code: '1' }).total());
    }
  }
  const results = await Promise.all(calls);
  const total1 = await client.transactions.list({ emp_code: '1' }).total();
  results.forEach((r, i) => {
    const expected = [i + 1, 50, true, true, total1][i % 5];
    assert.equal(r, expected, `call ${i}`);
  });
});

it('several full pulls at once agree with each other', async () => {
  const fresh = new Client({ baseUrl: sandbox.url, ...admin, pageSize: 33, concurrency: 3 });
  const pulls = await Promise.all(
    Array.from({ length: 6 }, () => fresh.transactions.list().toArray()),
  );
  const first = pulls[0].map((p) => p.id);
  assert.ok(first.length > 400);
  for (const pull of pulls) {
    assert.deepEqual(
      pull.map((p) => p.id),
      first,
    );
  }
});

it('leaving a list early stops its read-ahead: no more pages are fetched', async () => {
  // A counting proxy in front of the sandbox sees every page request.
  let pages = 0;
  const target = new URL(sandbox.url);
  const proxy = createServer((req, res) => {
    if (req.url.includes('/iclock/api/transactions/')) pages++;
    const up = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(up);
  });
  await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${proxy.address().port}`;
    const small = new Client({ baseUrl: url, ...admin, pageSize: 2, concurrency: 2 });
    const list = small.transactions.list();
    for await (const p of list) {
      assert.ok(p.id > 0);
      break;
    }
    assert.ok(list.count > 100, `${list.count} punches: too few pages for the test to mean anything`);
    const atBreak = pages;
    await new Promise((r) => setTimeout(r, 300));
    // First page, the core's concurrency and the binding's read-ahead, at most: not the rest.
    assert.ok(pages <= 12, `${pages} page requests after leaving the loop (${atBreak} at the break)`);
  } finally {
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
  }
});
