// Reads on every resource against the sandbox's demo data: get, list (records, pages,
// count), single pages, every filter kind, custom attributes, and the time mapping.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { inspect } from 'node:util';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client, NotFoundError, InvalidArgumentError, RecordList } = require('..');

let sandbox;
let client;

before(async () => {
  sandbox = await startSandbox(['--employees', '30', '--days', '3']);
  client = new Client({ baseUrl: sandbox.url, ...admin, pageSize: 7 });
});
after(() => sandbox.stop());

describe('employees', () => {
  it('get returns the manual example with nested records and custom attributes', async () => {
    const harry = await client.employees.get(1);
    assert.equal(harry.id, 1);
    assert.equal(harry.emp_code, '1');
    assert.equal(harry.first_name, 'Harry');
    assert.equal(harry.last_name, 'Potter');
    assert.equal(harry.department.dept_name, 'Department');
    assert.equal(harry.area[0].area_name, 'ZKTeco');
    assert.equal(harry.hire_date, '2018-06-26');
    assert.ok(Object.hasOwn(harry.extra, 'Primary Job'), Object.keys(harry.extra).join());
    assert.ok(!Object.hasOwn(harry, 'Primary Job'), 'custom attributes live in extra only');
  });

  it('list iterates every record of every page, in order, with the count', async () => {
    const list = client.employees.list();
    assert.ok(list instanceof RecordList);
    assert.equal(list.count, undefined);
    const ids = [];
    for await (const e of list) ids.push(e.id);
    assert.ok(ids.length > 7, `more than one page (${ids.length})`);
    assert.equal(list.count, ids.length);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
    );
    assert.equal(new Set(ids).size, ids.length, 'no record twice');
    const again = await client.employees.list().toArray();
    assert.deepEqual(
      again.map((e) => e.id),
      ids,
      'a second iteration reads the list afresh',
    );
  });

  it('total() fetches the count before iterating and the first page is not lost', async () => {
    const list = client.employees.list();
    const total = await list.total();
    const all = await list.toArray();
    assert.equal(all.length, total);
    const page1 = await client.employees.page(1);
    assert.equal(all[0].id, page1.items[0].id);
  });

  it('pages() yields pages with number, count, pageSize and hasNext', async () => {
    const pages = [];
    for await (const page of client.employees.list().pages()) pages.push(page);
    assert.ok(pages.length >= 2);
    pages.forEach((p, i) => {
      assert.equal(p.number, i + 1);
      assert.equal(p.pageSize, 7);
      assert.equal(p.hasNext, i < pages.length - 1);
      assert.equal(p.count, pages[0].count);
    });
    assert.equal(
      pages.reduce((n, p) => n + p.items.length, 0),
      pages[0].count,
    );
  });

  it('filters select what they say', async () => {
    const potters = await client.employees.list({ last_name: 'Potter' }).toArray();
    assert.ok(potters.length >= 1);
    assert.ok(potters.every((e) => e.last_name === 'Potter'));
    const dept1 = await client.employees.list({ department: 1, app_status: undefined }).toArray();
    assert.ok(dept1.length >= 1);
    assert.ok(dept1.every((e) => e.department && e.department.id === 1));
    const none = await client.employees.list({ emp_code: 'NO-SUCH-CODE' }).toArray();
    assert.deepEqual(none, []);
    assert.equal(await client.employees.list({ emp_code: 'NO-SUCH-CODE' }).total(), 0);
  });

  it('unknown filter names are rejected before any request', () => {
    assert.throws(
      () => client.employees.list({ departement: 1 }),
      (e) => e instanceof InvalidArgumentError && /departement/.test(e.message),
    );
    assert.throws(() => client.employees.list('department=1'), InvalidArgumentError);
    assert.throws(() => client.employees.list({ department: 'one' }), InvalidArgumentError);
  });

  it('breaking out of a loop early stops cleanly', async () => {
    let seen = 0;
    for await (const e of client.employees.list()) {
      assert.ok(e.id);
      if (++seen === 3) break;
    }
    assert.equal(seen, 3);
  });
});

describe('departments, areas, positions, terminals', () => {
  it('departments: get, list, filter', async () => {
    const d = await client.departments.get(1);
    assert.equal(d.dept_name, 'Department');
    const all = await client.departments.list().toArray();
    assert.ok(all.some((x) => x.id === 1));
    const byCode = await client.departments.list({ dept_code: d.dept_code }).toArray();
    assert.ok(byCode.length >= 1 && byCode.every((x) => x.dept_code.includes(d.dept_code)));
  });

  it('areas: nested parent area', async () => {
    const zkteco = await client.areas.get(2);
    assert.equal(zkteco.area_name, 'ZKTeco');
    assert.equal(zkteco.parent_area.area_name, 'Not Authorized');
    const all = await client.areas.list({ area_code: zkteco.area_code }).toArray();
    assert.ok(all.some((a) => a.id === 2));
  });

  it('positions: list and get agree', async () => {
    const all = await client.positions.list().toArray();
    assert.ok(all.length >= 1);
    const one = await client.positions.get(all[0].id);
    assert.deepEqual(one, all[0]);
  });

  it('terminals: get by id and filter by serial number', async () => {
    const t = await client.terminals.get(1);
    assert.equal(t.sn, 'CKJF201260077');
    assert.equal(t.alias, 'Auto add');
    assert.equal(t.area.area_name, 'ZKTeco');
    const bySn = await client.terminals.list({ sn: 'CKJF201260077' }).toArray();
    assert.equal(bySn.length, 1);
    assert.equal(typeof client.transactions.create, 'undefined', 'transactions are read only');
  });

  it('a missing record rejects with NotFoundError', async () => {
    await assert.rejects(client.terminals.get(987654), NotFoundError);
    await assert.rejects(client.areas.get(987654), NotFoundError);
  });
});

describe('transactions', () => {
  it('every punch once, filters by employee, terminal and time window', async () => {
    const all = await client.transactions.list().toArray();
    const count = await client.transactions.list().total();
    assert.equal(all.length, count);
    assert.equal(new Set(all.map((p) => p.id)).size, all.length);
    const sample = all[Math.floor(all.length / 2)];
    const byEmp = await client.transactions.list({ emp_code: sample.emp_code }).toArray();
    assert.equal(byEmp.length, all.filter((p) => p.emp_code === sample.emp_code).length);
    const byTerminal = await client.transactions.list({ terminal_sn: sample.terminal_sn }).toArray();
    assert.equal(byTerminal.length, all.filter((p) => p.terminal_sn === sample.terminal_sn).length);
    const window = await client.transactions
      .list({ start_time: sample.punch_time_raw, end_time: sample.punch_time_raw })
      .toArray();
    assert.ok(window.some((p) => p.id === sample.id));
    assert.ok(window.every((p) => p.punch_time_raw === sample.punch_time_raw));
    const one = await client.transactions.get(sample.id);
    assert.deepEqual(one, sample);
  });

  it('ordering takes the enum values', async () => {
    const desc = [];
    for await (const p of client.transactions.list({ ordering: '-punch_time' })) {
      desc.push(p.punch_time_raw);
      if (desc.length === 60) break;
    }
    assert.deepEqual(desc, [...desc].sort().reverse());
  });

  it('single pages carry the count; past the end is NotFoundError', async () => {
    const first = await client.transactions.page(1);
    assert.equal(first.items.length, 7);
    assert.ok(first.hasNext);
    const last = Math.ceil(first.count / 7);
    const lastPage = await client.transactions.page(last);
    assert.equal(lastPage.hasNext, false);
    assert.equal(lastPage.items.length, first.count - 7 * (last - 1));
    await assert.rejects(client.transactions.page(last + 1), (e) => {
      assert.ok(e instanceof NotFoundError);
      assert.equal(e.detail, 'Invalid page.');
      return true;
    });
    await assert.rejects(client.transactions.page(0), InvalidArgumentError);
  });

  it('times without a timezone: ISO text without offset, raw server text beside it', async () => {
    const p = await client.transactions.get(1);
    assert.match(p.punch_time_raw, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(p.punch_time, p.punch_time_raw.replace(' ', 'T'));
    assert.equal(client.timezone, undefined);
  });

  it('times with a timezone: ISO text with the offset; Date filters become server time', async () => {
    const zoned = new Client({ baseUrl: sandbox.url, ...admin, timezone: 'Asia/Karachi' });
    assert.equal(zoned.timezone, 'Asia/Karachi');
    const p = await zoned.transactions.get(1);
    assert.equal(p.punch_time, `${p.punch_time_raw.replace(' ', 'T')}+05:00`);
    const instant = new Date(p.punch_time);
    assert.ok(!Number.isNaN(instant.getTime()));
    const window = await zoned.transactions
      .list({ start_time: instant, end_time: instant })
      .toArray();
    assert.ok(window.some((x) => x.id === p.id), 'a Date bound selects the same punch');
    assert.ok(window.every((x) => x.punch_time === p.punch_time));
    // Without a zone, a Date has no server-local reading: refused, not guessed.
    await assert.rejects(
      async () => client.transactions.list({ start_time: instant }).toArray(),
      InvalidArgumentError,
    );
  });
});

// Lists hand secret-free records to JS as JSON rows (JSON.parse of ~64 KB arrays, then the
// generated lib/rows.generated.js), `get` builds them through napi: both must give the same object,
// key for key and in the same order, including what is absent.
describe('records read the same through a list page and through get', () => {
  for (const resource of ['transactions', 'terminals', 'areas', 'departments', 'positions', 'employees']) {
    it(resource, async () => {
      const page = await client[resource].page(1);
      assert.ok(page.items.length > 0, `no ${resource} in the demo data`);
      for (const listed of page.items.slice(0, 5)) {
        const got = await client[resource].get(listed.id);
        assert.deepStrictEqual(listed, got);
        assert.deepStrictEqual(Object.keys(listed), Object.keys(got));
      }
    });
  }

  it('zone-aware times read the same way', async () => {
    const zoned = new Client({ baseUrl: sandbox.url, ...admin, timezone: 'Asia/Karachi' });
    const [listed] = (await zoned.transactions.page(1)).items;
    assert.match(listed.punch_time, /\+05:00$/);
    assert.deepStrictEqual(listed, await zoned.transactions.get(listed.id));
  });

  it('text outside ASCII (and characters JSON escapes) reads the same way', async () => {
    const name = 'Café 東京 "quoted" \\ tab\t 🙂';
    const d = await client.departments.create({ dept_code: 'U8', dept_name: name });
    try {
      const listed = (await client.departments.list({ dept_code: 'U8' }).toArray())[0];
      assert.equal(listed.dept_name, name);
      assert.deepStrictEqual(listed, await client.departments.get(d.id));
    } finally {
      await client.departments.delete(d.id);
    }
  });

  it('custom attributes and absent fields cross a page intact', async () => {
    // The hostile corpus's answer: unknown keys (one null, one nested) beside spec fields.
    const odd = await startSandbox(['--hostile', 'extra_unknown_fields']);
    try {
      const c = new Client({ baseUrl: odd.url, ...admin });
      const [first, second] = await c.transactions.list().toArray();
      const expected = {
        id: 1,
        emp_code: '1',
        punch_time: '2024-06-23T09:01:00',
        punch_time_raw: '2024-06-23 09:01:00',
        punch_state: '0',
        terminal_sn: 'BOCK194960001',
        upload_time: '2024-06-23T09:01:05',
        upload_time_raw: '2024-06-23 09:01:05',
        temperature: 36.4,
        extra: { 'Primary Job': 'Welder', zz_future: { nested: [1, 2] } },
      };
      assert.deepStrictEqual(first, expected);
      assert.deepStrictEqual(Object.keys(first), Object.keys(expected));
      // Made by a generated constructor, but a plain object to its user.
      assert.equal(Object.getPrototypeOf(first), Object.prototype);
      assert.equal(first.constructor, Object);
      assert.ok(inspect(first).startsWith('{\n  id: 1,'), inspect(first));
      assert.deepStrictEqual(second.extra, { 'Primary Job': null, zz_future: 'x' });
    } finally {
      await odd.stop();
    }
  });

  it('a nested record and an absent field read the same way', async () => {
    const [listed] = await client.areas.list().toArray().then((all) => all.filter((a) => a.parent_area));
    assert.ok(listed, 'the demo data has an area with a parent');
    assert.deepStrictEqual(listed, await client.areas.get(listed.id));
  });
});
