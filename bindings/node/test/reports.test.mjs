// client.first_last_reports, a list-only resource (no `get`): rows match the punches of
// the day, and it pages like the other lists. client.report(name): any report by name.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client, ListResource, NotFoundError, InvalidArgumentError, Resource } = require('..');

// One sandbox for both groups: they only read.
let sandbox;
let client;
before(async () => {
  sandbox = await startSandbox(['--employees', '20', '--days', '2']);
  client = new Client({ baseUrl: sandbox.url, ...admin, pageSize: 6 });
});
after(() => sandbox.stop());

describe('first-last report', () => {

  it('has one row per employee and day: the first and last punch', async () => {
    const reports = client.first_last_reports;
    assert.ok(reports instanceof ListResource);
    assert.ok(!(reports instanceof Resource), 'list only: no detail path');
    assert.equal(reports.get, undefined);

    const punches = await client.transactions.list().toArray();
    const perDay = new Map();
    for (const p of punches) {
      const day = p.punch_time_raw.slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const day = [...perDay].sort((a, b) => b[1] - a[1])[0][0];
    const want = new Map();
    for (const p of punches.filter((p) => p.punch_time_raw.startsWith(day))) {
      const key = `${p.emp_code} ${day}`;
      const clock = p.punch_time_raw.slice(11);
      const [first, last] = want.get(key) ?? [clock, clock];
      want.set(key, [first < clock ? first : clock, last > clock ? last : clock]);
    }

    const rows = await reports.list({ start_date: day, end_date: day, employees: '-1' }).toArray();
    const got = new Map(rows.map((r) => [`${r.emp_code} ${r.att_date}`, [r.first_punch, r.last_punch]]));
    assert.equal(got.size, rows.length);
    assert.deepEqual([...got].sort(), [...want].sort());

    const page = await reports.page(1, { start_date: day, end_date: day });
    assert.equal(page.count, rows.length);
    assert.ok(rows.length > 6 && page.items.length === 6, `${rows.length} rows`);
  });
});

describe('any report by name', () => {
  it('reads the rows as plain objects, every page in order', async () => {
    const period = { start_date: '2000-01-01', end_date: '2100-01-01' };
    const typed = await client.first_last_reports.list(period).toArray();
    const list = client.report('firstLastReport', period);
    assert.equal(await list.total(), typed.length);
    const rows = await list.toArray();
    assert.ok(rows.length > 6, `${rows.length} rows over several pages`);
    assert.deepEqual(
      rows.map((r) => [r.emp_code, r.first_punch]),
      typed.map((r) => [r.emp_code, r.first_punch]),
    );
  });

  it('rejects a bad name and says when the server has no such report', async () => {
    assert.throws(() => client.report('../employees'), InvalidArgumentError);
    assert.throws(() => client.report('firstLastReport', { page_size: 5 }), /page_size/);
    await assert.rejects(client.report('noSuchReport').toArray(), (e) => {
      assert.ok(e instanceof NotFoundError, String(e));
      assert.match(e.message, /no report/);
      return true;
    });
  });
});
