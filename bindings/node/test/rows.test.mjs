// List pages cross into JS as JSON rows that `lib/rows.generated.js` decodes: every record arrives,
// and text survives whatever it holds (quotes, escapes, control characters, emoji, U+2028).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('..');

describe('list pages as JSON rows', () => {
  let sandbox;
  let client;
  before(async () => {
    sandbox = await startSandbox(['--employees', '40', '--days', '3']);
    client = new Client({ baseUrl: sandbox.url, ...admin, pageSize: 53, timezone: 'Asia/Karachi' });
  });
  after(() => sandbox?.stop());

  for (const resource of ['transactions', 'departments', 'positions', 'areas', 'terminals']) {
    it(`${resource}: every record once, as the server counts them`, async () => {
      const records = await client[resource].list().toArray();
      const first = await client[resource].page(1);
      assert.ok(records.length > 2, `${records.length} records`);
      assert.equal(records.length, first.count);
      assert.equal(new Set(records.map((r) => r.id)).size, records.length);
    });
  }

  it('names with quotes, escapes, control characters and emoji', async () => {
    const names = ['say "hi"', 'back\\slash', 'tab\there', 'line\nbreak', 'é ü 中文 😀', 'a\u2028b',
      'a longer name that says "hi" late', 'sixteen bytes ok\\', 'é ü 中文 😀 \u0001 end'];
    for (const [i, name] of names.entries()) {
      await client.departments.create({ dept_code: `ODD${i}`, dept_name: name });
      await client.positions.create({ position_code: `ODD${i}`, position_name: name });
    }
    const nameKey = { departments: 'dept_name', positions: 'position_name' };
    for (const [resource, key] of Object.entries(nameKey)) {
      const listed = (await client[resource].list().toArray()).map((r) => r[key]);
      for (const name of names) assert.ok(listed.includes(name), `${resource}: ${JSON.stringify(name)}`);
    }
  });

  it('a row drops its trailing nulls: absent options stay absent, the rest keep their values', async () => {
    // Texts that end like the `,null` the addon trims from a row's end.
    const names = ['x,null', 'null', ',null]', 'null,null'];
    for (const [i, name] of names.entries()) {
      await client.departments.create({ dept_code: `NUL${i}`, dept_name: name });
    }
    const departments = await client.departments.list().toArray();
    for (const name of names) {
      const found = departments.filter((d) => d.dept_name === name);
      assert.equal(found.length, 1, JSON.stringify(name));
      assert.ok(!('parent_dept' in found[0]), 'no parent: no key');
    }
    const punches = await client.transactions.list().toArray();
    for (const record of [...departments, ...punches]) {
      const keys = Object.keys(record);
      assert.equal(keys.at(-1), 'extra', keys.join());
      assert.equal(typeof record.extra, 'object');
      for (const [key, value] of Object.entries(record)) assert.notEqual(value, undefined, key);
    }
    // A 9.0 punch has none of the 8.x / 9.5 names (the options that end its row).
    assert.ok(punches.every((p) => !('first_name' in p) && !('verify_type_display' in p)));
    const one = await client.transactions.get(punches[0].id);
    assert.deepEqual(one, punches[0]);
  });
});
