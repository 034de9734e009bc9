// transactions.sync: the first run returns every punch, later runs only what is new, and
// the state is plain JSON text a caller can store.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client, InvalidArgumentError } = require('..');

let sandbox;
let client;

before(async () => {
  sandbox = await startSandbox(['--employees', '20', '--days', '3']);
  client = new Client({ baseUrl: sandbox.url, ...admin, pageSize: 100 });
});
after(() => sandbox.stop());

it('first run: every punch in id order; next run: nothing new', async () => {
  const all = (await client.transactions.list().toArray()).map((p) => p.id);
  const first = await client.transactions.sync();
  assert.equal(first.complete, true);
  assert.deepEqual(
    first.punches.map((p) => p.id),
    all,
  );
  assert.equal(typeof first.state, 'string');
  assert.equal(typeof JSON.parse(first.state), 'object');
  // A synced punch reads like the same punch from get (sync batches cross as JSON rows).
  assert.deepStrictEqual(first.punches[3], await client.transactions.get(first.punches[3].id));
  const second = await client.transactions.sync(first.state);
  assert.deepEqual(second.punches, []);
  assert.equal(second.complete, true);
});

it('max splits a run into batches that add up to the whole', async () => {
  const all = (await client.transactions.list().toArray()).map((p) => p.id);
  const ids = [];
  let state = null;
  let batches = 0;
  for (;;) {
    const batch = await client.transactions.sync(state, { max: 70 });
    batches++;
    assert.ok(batch.punches.length <= 70);
    ids.push(...batch.punches.map((p) => p.id));
    state = batch.state;
    if (batch.complete) break;
    assert.ok(batches < 100);
  }
  assert.ok(batches > 1);
  assert.deepEqual(ids, all);
});

it('new punches after a run come in the next run', async () => {
  const live = await startSandbox(['--employees', '5', '--days', '1', '--live', '40'], { after });
  const c = new Client({ baseUrl: live.url, ...admin });
  const first = await c.transactions.sync();
  await new Promise((r) => setTimeout(r, 400));
  const next = await c.transactions.sync(first.state);
  assert.ok(next.punches.length > 0, 'live punches arrived');
  const seen = new Set(first.punches.map((p) => p.id));
  assert.ok(next.punches.every((p) => !seen.has(p.id)), 'nothing twice');
});

it('a state that is not one is refused', async () => {
  await assert.rejects(client.transactions.sync('{"not":"a state"}'), InvalidArgumentError);
  await assert.rejects(client.transactions.sync(42), InvalidArgumentError);
  await assert.rejects(client.transactions.sync(undefined, { max: 0 }), InvalidArgumentError);
});
