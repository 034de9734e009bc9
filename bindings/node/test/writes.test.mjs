// Create, update, delete and upsert on the four writable resources; request bodies are
// checked (unknown keys rejected, custom attributes through `extra`); secrets never print.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { createRequire } from 'node:module';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client, NotFoundError, BadRequestError, InvalidArgumentError } = require('..');

let sandbox;
let client;

before(async () => {
  sandbox = await startSandbox();
  client = new Client({ baseUrl: sandbox.url, ...admin });
});
after(() => sandbox.stop());

describe('employees', () => {
  it('create, read, update, list, delete with a custom attribute', async () => {
    const created = await client.employees.create({
      emp_code: 'node333',
      first_name: 'Node',
      last_name: 'Three',
      department: 1,
      area: [1],
      hire_date: '2024-01-15',
      extra: { 'Primary Job': 'Welder' },
    });
    assert.equal(typeof created.id, 'number');
    assert.equal(created.department, 1, 'a write answer holds bare ids');
    assert.deepEqual(created.area, [1]);
    assert.equal(created.hire_date, '2024-01-15');
    assert.equal(created.extra['Primary Job'], 'Welder');

    // The password hash is there, readable on purpose, and invisible otherwise.
    const hash = created.self_password.expose();
    assert.ok(hash.length > 10);
    assert.equal(String(created.self_password), '***');
    assert.equal(`${created.self_password}`, '***');
    for (const shown of [inspect(created, { depth: 5 }), JSON.stringify(created)]) {
      assert.ok(!shown.includes(hash), 'hash printed');
      assert.ok(shown.includes('***'));
    }

    const read = await client.employees.get(created.id);
    assert.equal(read.extra['Primary Job'], 'Welder');
    assert.equal(read.department.id, 1, 'a read nests the department');

    const updated = await client.employees.update(created.id, {
      first_name: 'Nodette',
      card_no: '5659812',
      extra: { 'Primary Job': 'Painter' },
    });
    assert.equal(updated.first_name, 'Nodette');
    assert.equal(updated.card_no, '5659812');
    assert.equal(updated.last_name, 'Three', 'PATCH keeps the other fields');
    assert.equal((await client.employees.get(created.id)).extra['Primary Job'], 'Painter');

    const found = await client.employees.list({ emp_code: 'node333' }).toArray();
    assert.deepEqual(
      found.map((e) => e.id),
      [created.id],
    );

    assert.equal(await client.employees.delete(created.id), undefined);
    await assert.rejects(client.employees.get(created.id), (e) => {
      assert.ok(e instanceof NotFoundError);
      assert.equal(e.status, 404);
      assert.equal(e.method, 'GET');
      assert.equal(e.path, `/personnel/api/employees/${created.id}/`);
      return true;
    });
  });

  it('upsert creates once, then updates the same record by emp_code', async () => {
    const body = { emp_code: 'node-up', first_name: 'Up', department: 1, area: [1] };
    const first = await client.employees.upsert(body);
    assert.equal(first.created, true);
    const second = await client.employees.upsert({ ...body, first_name: 'Up again' });
    assert.equal(second.created, false);
    // The server's PATCH answer for employees carries no id; the code identifies it.
    assert.equal(second.record.emp_code, 'node-up');
    assert.equal(second.record.first_name, 'Up again');
    assert.equal((await client.employees.get(first.record.id)).first_name, 'Up again');
    const all = await client.employees.list({ emp_code: 'node-up' }).toArray();
    assert.equal(all.length, 1);
  });

  it('unknown body keys are rejected before any request; extra must not repeat a field', async () => {
    await assert.rejects(
      client.employees.create({ emp_code: 'x', department: 1, area: [1], frist_name: 'typo' }),
      (e) => e instanceof InvalidArgumentError && /frist_name/.test(e.detail),
    );
    await assert.rejects(
      client.employees.update(1, { extra: { first_name: 'x' } }),
      InvalidArgumentError,
    );
    await assert.rejects(client.employees.create({ emp_code: 'x' }), InvalidArgumentError);
    await assert.rejects(client.employees.update('1', { first_name: 'x' }), InvalidArgumentError);
    await assert.rejects(client.employees.create(null), InvalidArgumentError);
    // Nothing was created by any of these.
    assert.equal(await client.employees.list({ emp_code: 'x' }).total(), 0);
  });

  it('bodyFields names what a body takes; the rest goes in extra', async () => {
    const create = client.employees.bodyFields();
    assert.deepEqual(client.employees.bodyFields('create'), create);
    for (const name of ['emp_code', 'first_name', 'department', 'area', 'device_password']) {
      assert.ok(create.includes(name), `${name} in ${create}`);
    }
    assert.ok(!create.includes('extra') && !create.includes('id') && !create.includes('Primary Job'));
    assert.ok(client.employees.bodyFields('update').includes('first_name'));
    assert.deepEqual(client.departments.bodyFields(), ['dept_code', 'dept_name', 'parent_dept']);
    assert.deepEqual(client.areas.bodyFields('update'), ['area_code', 'area_name', 'parent_area']);
    assert.deepEqual(client.positions.bodyFields(), ['position_code', 'position_name', 'parent_position']);
    // A fresh array each time: changing it changes nothing.
    create.push('frist_name');
    assert.ok(!client.employees.bodyFields().includes('frist_name'));
    assert.throws(() => client.employees.bodyFields('delete'), InvalidArgumentError);
    assert.equal(client.transactions.bodyFields, undefined, 'transactions are read only');

    // Splitting a flat set of names with it makes a body the binding accepts.
    const flat = { emp_code: 'node-split', department: 1, area: [1], 'Primary Job': 'Welder' };
    const known = new Set(client.employees.bodyFields());
    const body = { extra: {} };
    for (const [k, v] of Object.entries(flat)) {
      if (known.has(k)) body[k] = v;
      else body.extra[k] = v;
    }
    const made = await client.employees.create(body);
    assert.equal(made.extra['Primary Job'], 'Welder');
    await client.employees.delete(made.id);
  });

  it('a value the server refuses is a BadRequestError with fieldErrors', async () => {
    await assert.rejects(
      client.employees.create({ emp_code: 'bad-dept', department: 999999, area: [1] }),
      (e) => {
        assert.ok(e instanceof BadRequestError, e.name);
        assert.equal(e.status, 400);
        assert.equal(e.method, 'POST');
        assert.ok(Array.isArray(e.fieldErrors.department), JSON.stringify(e.fieldErrors));
        return true;
      },
    );
  });
});

describe('departments, areas, positions', () => {
  it('department create, update, get, list, delete, upsert', async () => {
    const d = await client.departments.create({
      dept_code: 'N222',
      dept_name: 'Node dept',
      parent_dept: 1,
    });
    assert.equal(d.parent_dept, 1);
    const u = await client.departments.update(d.id, { dept_name: 'Node dept 2' });
    assert.equal(u.dept_name, 'Node dept 2');
    assert.equal((await client.departments.get(d.id)).dept_code, 'N222');
    const kids = await client.departments.list({ parent_dept: 1 }).toArray();
    assert.ok(kids.some((k) => k.id === d.id));
    const up = await client.departments.upsert({ dept_code: 'N222', dept_name: 'Upserted' });
    assert.equal(up.created, false);
    assert.equal(up.record.id, d.id);
    assert.equal(up.record.dept_name, 'Upserted');
    await client.departments.delete(d.id);
    await assert.rejects(client.departments.get(d.id), NotFoundError);
  });

  it('area create, update, list, delete, upsert', async () => {
    const a = await client.areas.create({ area_code: 'N222', area_name: 'Node area', parent_area: 1 });
    assert.equal(a.parent_area, 1, 'a write answer holds the bare parent id');
    const u = await client.areas.update(a.id, { area_name: 'Node area 2' });
    assert.equal(u.area_name, 'Node area 2');
    const read = await client.areas.get(a.id);
    assert.equal(read.parent_area.id, 1, 'a read nests the parent');
    const up = await client.areas.upsert({ area_code: 'N223', area_name: 'Fresh' });
    assert.equal(up.created, true);
    await client.areas.delete(a.id);
    await client.areas.delete(up.record.id);
    assert.equal(await client.areas.list({ area_code: 'N22' }).total(), 0);
  });

  it('position create, update, delete, upsert', async () => {
    const p = await client.positions.create({ position_code: 'N222', position_name: 'Node pos' });
    const u = await client.positions.update(p.id, { position_name: 'Node pos 2' });
    assert.equal(u.position_name, 'Node pos 2');
    assert.equal((await client.positions.get(p.id)).position_name, 'Node pos 2');
    const up = await client.positions.upsert({ position_code: 'N222', position_name: 'Again' });
    assert.equal(up.created, false);
    assert.equal(up.record.id, p.id);
    await client.positions.delete(p.id);
    await assert.rejects(client.positions.delete(p.id), NotFoundError);
  });
});

describe('punches', () => {
  it('can be deleted, not written', async () => {
    const { DeletableResource, WritableResource } = require('..');
    assert.ok(client.transactions instanceof DeletableResource);
    assert.ok(!(client.transactions instanceof WritableResource));
    assert.equal(typeof client.transactions.sync, 'function');
    const ids = (await client.transactions.page(1)).items.map((p) => p.id);
    await client.transactions.delete(ids[0]);
    await assert.rejects(client.transactions.get(ids[0]), NotFoundError);
    await assert.rejects(client.transactions.delete(ids[0]), NotFoundError);
  });
});
