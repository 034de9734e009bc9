// Import helpers: a first sync from a date (`since`) and punch directions (`directions`).

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client, InvalidArgumentError, directions } = require('..');

const SINCE = '2024-06-29';
let sandbox;
let client;
let punches;

before(async () => {
  sandbox = await startSandbox(['--employees', '8', '--days', '4']);
  client = new Client({ baseUrl: sandbox.url, ...admin, pageSize: 25 });
  punches = await client.transactions.list().toArray();
});
after(() => sandbox.stop());

it('since: the first sync returns only punches from the date on', async () => {
  const expected = (await client.transactions.list({ start_time: `${SINCE} 00:00:00` }).toArray())
    .map((p) => p.id)
    .sort((a, b) => a - b);
  assert.ok(expected.length > 0 && expected.length < punches.length);
  const batch = await client.transactions.sync(null, { since: SINCE });
  assert.equal(batch.complete, true);
  assert.deepEqual(
    batch.punches.map((p) => p.id).sort((a, b) => a - b),
    expected,
  );
  assert.equal(JSON.parse(batch.state).since, `${SINCE} 00:00:00`);
  const next = await client.transactions.sync(batch.state);
  assert.deepEqual(next.punches, []);
});

it('since: a Date is converted with the client zone, like filter times', async () => {
  const zoned = new Client({ baseUrl: sandbox.url, ...admin, timezone: 'Europe/Berlin' });
  // 22:00 UTC on June 28th is midnight in Berlin (summer time).
  const batch = await zoned.transactions.sync(undefined, {
    since: new Date('2024-06-28T22:00:00Z'),
  });
  assert.equal(JSON.parse(batch.state).since, `${SINCE} 00:00:00`);
  assert.ok(batch.punches.length > 0);
  assert.ok(batch.punches.every((p) => p.punch_time_raw >= `${SINCE} 00:00:00`));
});

it('since with a stored state is refused; bad since is refused', async () => {
  const stored = (await client.transactions.sync(null, { since: SINCE })).state;
  await assert.rejects(client.transactions.sync(stored, { since: SINCE }), (e) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.match(e.message, /first sync/);
    return true;
  });
  await assert.rejects(client.transactions.sync(null, { since: 'June' }), InvalidArgumentError);
  await assert.rejects(client.transactions.sync(null, { since: 29 }), InvalidArgumentError);
});

const STATE = { 0: 'in', 3: 'in', 4: 'in', 1: 'out', 2: 'out', 5: 'out' };

it('directions by state follow the punch state codes', () => {
  const got = directions(punches, { by: 'state' });
  assert.equal(got.length, punches.length);
  punches.forEach((p, i) => assert.equal(got[i], STATE[(p.punch_state ?? '').trim()] ?? null));
  assert.ok(got.includes('in') && got.includes('out'));
  assert.deepEqual(directions(punches), got, 'state is the default');
});

it('directions by terminal use the map', () => {
  const sns = [...new Set(punches.map((p) => p.terminal_sn).filter(Boolean))].sort();
  assert.ok(sns.length >= 2);
  const map = { [sns[0]]: 'in', [sns[1]]: 'out' };
  const got = directions(punches, { by: 'terminal', terminals: map });
  punches.forEach((p, i) => assert.equal(got[i], map[p.terminal_sn] ?? null));
  assert.deepEqual(
    directions(punches, { by: 'terminal', terminals: new Map(Object.entries(map)) }),
    got,
  );
  assert.throws(() => directions(punches, { by: 'terminal' }), InvalidArgumentError);
  assert.throws(
    () => directions(punches, { by: 'terminal', terminals: { [sns[0]]: 'up' } }),
    InvalidArgumentError,
  );
  assert.throws(() => directions(punches, { by: 'moon' }), /state, terminal or alternate/);
  assert.throws(() => directions([{ id: 'x' }]), InvalidArgumentError);
});

it('directions alternate per employee and day', () => {
  const got = directions(punches, { by: 'alternate' });
  const days = new Map();
  punches.forEach((p, i) => {
    const key = `${p.emp_code} ${p.punch_time_raw.slice(0, 10)}`;
    if (!days.has(key)) days.set(key, []);
    days.get(key).push([p.punch_time_raw, p.id, got[i]]);
  });
  assert.ok([...days.values()].some((d) => d.length >= 2));
  for (const day of days.values()) {
    day.sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1));
    assert.deepEqual(
      day.map((d) => d[2]),
      day.map((_, n) => (n % 2 === 0 ? 'in' : 'out')),
    );
  }
  assert.deepEqual(directions([], { by: 'alternate' }), []);
});

it('directions of a zoned client read the same as of a naive one', async () => {
  const zoned = new Client({ baseUrl: sandbox.url, ...admin, timezone: 'Asia/Tokyo' });
  const same = await zoned.transactions.list().toArray();
  assert.deepEqual(
    directions(same, { by: 'alternate' }),
    directions(punches, { by: 'alternate' }),
  );
});
