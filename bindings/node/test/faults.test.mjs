// A full pull through a server that fails often (502/503/504, 429, dropped connections,
// slow and HTML answers, revoked tokens) loses nothing and invents nothing: the same records
// as a healthy server with the same seed.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client, ZKBioTimeError } = require('..');

const data = ['--employees', '40', '--days', '5', '--seed', '7'];
let healthy;
let faulty;

before(async () => {
  [healthy, faulty] = await Promise.all([
    startSandbox(data),
    startSandbox([
      ...data,
      '--faults',
      '502=0.03,503=0.03,504=0.03,429=0.05,drop=0.05,html=0.04,slow=0.03,slow-ms=1500,retry-after=0.05,revoke-every=40,logins=true',
    ]),
  ]);
});
after(() => Promise.all([healthy.stop(), faulty.stop()]));

const options = {
  ...admin,
  pageSize: 25,
  concurrency: 4,
  timeoutMs: 700,
  retries: 10,
  retryBaseDelayMs: 10,
  retryMaxDelayMs: 200,
};

it('every punch and every employee arrives exactly once despite the faults', async () => {
  const good = new Client({ baseUrl: healthy.url, ...options });
  const bad = new Client({ baseUrl: faulty.url, ...options });

  const expected = await good.transactions.list().toArray();
  assert.ok(expected.length > 800, `${expected.length} punches`);
  const got = await bad.transactions.list().toArray();
  assert.equal(got.length, expected.length);
  assert.deepEqual(got, expected);

  const employees = await bad.employees.list().toArray();
  assert.deepEqual(employees, await good.employees.list().toArray());
});

it('the faults are real: without retries the same pull fails', async () => {
  const fragile = new Client({ baseUrl: faulty.url, ...options, retries: 0 });
  await assert.rejects(fragile.transactions.list().toArray(), ZKBioTimeError);
});

it('a sync through the faults returns every punch once, batch by batch', async () => {
  const good = new Client({ baseUrl: healthy.url, ...options });
  const bad = new Client({ baseUrl: faulty.url, ...options });
  const expected = (await good.transactions.list().toArray()).map((p) => p.id);
  const ids = [];
  let state;
  for (let round = 0; round < 100; round++) {
    const batch = await bad.transactions.sync(state, { max: 300 });
    ids.push(...batch.punches.map((p) => p.id));
    state = batch.state;
    if (batch.complete) break;
  }
  assert.deepEqual(ids, expected);
});
