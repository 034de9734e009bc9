// Resigns (BioTime 8.5 and 9.5): the resource and its `reinstate` action, generated from the
// spec; a server without the API says so.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client, NotFoundError, WritableResource, UpsertableResource } = require('..');

describe('resigns on 9.5', () => {
  let sandbox;
  let client;
  before(async () => {
    sandbox = await startSandbox(['--server-version', '9.5', '--employees', '5', '--days', '1']);
    client = new Client({ baseUrl: sandbox.url, ...admin });
  });
  after(() => sandbox.stop());

  it('create, get, update (PUT), list, reinstate, delete', async () => {
    assert.ok(client.resigns instanceof WritableResource);
    assert.ok(!(client.resigns instanceof UpsertableResource), 'a resign has no code to upsert by');
    const employee = (await client.employees.page(1)).items[0].id;
    const created = await client.resigns.create({
      employee,
      resign_date: '2024-06-01',
      resign_type: 1,
      disableatt: true,
      reason: 'moved away',
    });
    assert.equal(created.employee.id, employee);
    assert.equal(created.resign_date, '2024-06-01');
    const updated = await client.resigns.update(created.id, { reason: 'back to school' });
    assert.equal(updated.reason, 'back to school');
    const listed = await client.resigns.list({ employee }).toArray();
    assert.deepEqual(
      listed.map((r) => r.id),
      [created.id],
    );
    await client.resigns.reinstate({ resigns: [created.id] });
    await assert.rejects(client.resigns.get(created.id), NotFoundError);
    const again = await client.resigns.create({
      employee,
      resign_date: '2024-07-01',
      resign_type: 2,
      disableatt: false,
    });
    await client.resigns.delete(again.id);
    assert.deepEqual(await client.resigns.list().toArray(), []);
  });

  it('an action on ids takes the bare list', async () => {
    const r = await client.resigns.create({ employee: 1, resign_date: '2024-06-01', resign_type: 1, disableatt: true });
    await client.resigns.reinstate([r.id]); // as reinstate({ resigns: [r.id] })
    await assert.rejects(client.resigns.get(r.id), NotFoundError);
    assert.ok((await client.terminals.reboot([1])) !== undefined);
    // A body with more than the ids (areas too) is refused as a list.
    await assert.rejects(client.employees.adjust_area([1]), (e) => e.kind === 'invalid_argument');
  });
});

describe('resigns on 9.0', () => {
  it('a server without the resign API says so', async () => {
    const sandbox = await startSandbox(['--server-version', '9.0', '--employees', '3', '--days', '1']);
    try {
      const client = new Client({ baseUrl: sandbox.url, ...admin });
      await assert.rejects(client.resigns.list().toArray(), (e) => {
        assert.ok(e instanceof NotFoundError, String(e));
        assert.match(e.message, /no resign API/);
        return true;
      });
    } finally {
      sandbox.stop();
    }
  });
});
