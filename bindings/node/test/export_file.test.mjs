// transactions.exportFile: the server-side export streamed to a file; one row per punch the
// same filters list; a failure leaves no file.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client, InvalidArgumentError, ServerError } = require('..');

let sandbox;
let client;
const dir = mkdtempSync(join(tmpdir(), 'zkbio-export-'));

before(async () => {
  sandbox = await startSandbox(['--employees', '20', '--days', '3']);
  client = new Client({ baseUrl: sandbox.url, ...admin, pageSize: 100 });
});
after(() => sandbox.stop());

/** The file's lines (CRLF, as D80's sample) split into cells. */
function rows(path, sep) {
  const text = readFileSync(path, 'utf8');
  assert.ok(text.endsWith('\r\n'), 'CRLF lines');
  return text
    .split('\r\n')
    .filter((l) => l !== '')
    .map((l) => l.split(sep));
}

const ids = async (filters) =>
  (await client.transactions.list(filters).toArray()).map((p) => String(p.id));

it('csv: one row per listed punch, the header D80 shows', async () => {
  const path = join(dir, 'all.csv');
  const written = await client.transactions.exportFile(path);
  assert.equal(written, statSync(path).size);
  const table = rows(path, ',');
  assert.deepEqual(table[0].slice(0, 2), ['id', 'emp_code']);
  assert.equal(table[0].at(-1), 'upload_time');
  const listed = await ids();
  assert.ok(listed.length > 100);
  assert.deepEqual(
    table.slice(1).map((r) => r[0]),
    listed,
  );
});

it('txt and filters narrow it like the list (a Date filter too)', async () => {
  const path = join(dir, 'one.txt');
  await client.transactions.exportFile(pathToFileURL(path), { format: 'txt', emp_code: '1' });
  const table = rows(path, '\t');
  assert.equal(table[0].length, table[1].length);
  const got = table.slice(1).map((r) => r[0]);
  assert.deepEqual(got, await ids({ emp_code: '1' }));
  assert.ok(got.length > 0 && got.length < (await ids()).length);
  assert.ok(table.slice(1).every((r) => r[1] === '1'));

  const window = { start_time: '2024-06-24 00:00:00', end_time: '2024-06-24 12:00:00' };
  const csv = join(dir, 'window.csv');
  await client.transactions.exportFile(csv, { format: 'csv', ...window });
  assert.deepEqual(
    rows(csv, ',').slice(1).map((r) => r[0]),
    await ids(window),
  );
});

it('xls: a sheet with a header and one row per punch', async () => {
  const path = join(dir, 'all.xls');
  await client.transactions.exportFile(path, { format: 'xls' });
  const html = readFileSync(path, 'utf8');
  assert.equal(html.split('<tr>').length - 1, (await ids()).length + 1);
});

it('bad arguments are refused before anything is sent', async () => {
  const before = readdirSync(dir).length;
  await assert.rejects(
    client.transactions.exportFile(join(dir, 'x.pdf'), { format: 'pdf' }),
    (e) => e instanceof InvalidArgumentError && /csv, txt, xls/.test(e.message),
  );
  await assert.rejects(
    client.transactions.exportFile(join(dir, 'x.csv'), { emp: '1' }),
    (e) => e instanceof InvalidArgumentError && /emp/.test(e.message),
  );
  await assert.rejects(client.transactions.exportFile(42), InvalidArgumentError);
  assert.equal(readdirSync(dir).length, before);
});

it('a server error leaves no file and an old file untouched', async () => {
  const faulty = await startSandbox(['--faults', '500=1'], { after });
  const c = new Client({ baseUrl: faulty.url, ...admin, retries: 0 });
  const own = mkdtempSync(join(tmpdir(), 'zkbio-export-fail-'));
  const old = join(own, 'old.csv');
  writeFileSync(old, "yesterday's export");
  await assert.rejects(c.transactions.exportFile(join(own, 'new.csv')), (e) => {
    assert.ok(e instanceof ServerError);
    assert.equal(e.status, 500);
    return true;
  });
  await assert.rejects(c.transactions.exportFile(old), ServerError);
  assert.deepEqual(readdirSync(own), ['old.csv']);
  assert.equal(readFileSync(old, 'utf8'), "yesterday's export");
});
