// List pages have two readers in the addon: rows made straight from the server's JSON (the
// default, `src/transcode.rs`) and the core's typed records (ZKBIOTIME_NODE_TYPED_PAGES=1,
// which the first falls back to record by record). They must agree record for record and
// error for error: over generated data, hostile text, and every 200 list answer of the
// hostile corpus in tests/hostile.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

import { admin, startSandbox, workspace } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client } = require('..');

/** What a call gives: its records as JSON text (key order included) or its error. */
async function outcome(call) {
  try {
    return { records: JSON.stringify(await call()) };
  } catch (e) {
    return { error: e.constructor.name, kind: e.kind, status: e.status };
  }
}

/** The outcome of `call` through each reader of list pages. */
async function bothReaders(call) {
  const rows = await outcome(call);
  process.env.ZKBIOTIME_NODE_TYPED_PAGES = '1';
  try {
    return { rows, typed: await outcome(call) };
  } finally {
    delete process.env.ZKBIOTIME_NODE_TYPED_PAGES;
  }
}

describe('rows from JSON and typed records agree', () => {
  let sandbox;
  let client;
  before(async () => {
    sandbox = await startSandbox(['--employees', '40', '--days', '3']);
    client = new Client({ baseUrl: sandbox.url, ...admin, pageSize: 53, timezone: 'Asia/Karachi' });
  });
  after(() => sandbox?.stop());

  for (const resource of ['transactions', 'departments', 'positions', 'areas', 'terminals']) {
    it(`${resource}: every record the same`, async () => {
      const { rows, typed } = await bothReaders(() => client[resource].list().toArray());
      assert.ok(rows.records && rows.records.length > 2, JSON.stringify(rows).slice(0, 200));
      assert.equal(rows.records, typed.records);
    });
  }

  it('names with quotes, escapes, control characters and emoji', async () => {
    const names = ['say "hi"', 'back\\slash', 'tab\there', 'line\nbreak', 'é ü 中文 😀', 'a\u2028b'];
    for (const [i, name] of names.entries()) {
      await client.departments.create({ dept_code: `ODD${i}`, dept_name: name });
      await client.positions.create({ position_code: `ODD${i}`, position_name: name });
    }
    const nameKey = { departments: 'dept_name', positions: 'position_name' };
    for (const [resource, key] of Object.entries(nameKey)) {
      const { rows, typed } = await bothReaders(() => client[resource].list().toArray());
      assert.equal(rows.records, typed.records);
      const listed = JSON.parse(rows.records).map((r) => r[key]);
      for (const name of names) assert.ok(listed.includes(name), `${resource}: ${JSON.stringify(name)}`);
    }
  });
});

describe('the hostile corpus: both readers end alike', () => {
  const corpus = JSON.parse(readFileSync(join(workspace, 'tests', 'hostile', 'corpus.json'), 'utf8'));
  // 200 answers to a list, served at once: what reaches the page readers. (Slow, cut and
  // oversized answers never get that far and have their own tests.)
  const served = new Set(['body', 'body_json', 'body_base64', 'body_parts', 'headers', 'pages', 'status']);
  const lists = corpus.filter(
    (s) =>
      s.call === 'transactions.list' &&
      (s.answer.status ?? 200) === 200 &&
      Object.keys(s.answer).every((k) => served.has(k)) &&
      !/^body_(50mb|1gb)/.test(s.name),
  );

  it('has list answers to compare', () => assert.ok(lists.length > 30, String(lists.length)));

  for (const scenario of lists) {
    it(scenario.name, async () => {
      const odd = await startSandbox(['--hostile', scenario.name]);
      try {
        const client = new Client({ baseUrl: odd.url, ...admin, retries: 0 });
        const { rows, typed } = await bothReaders(() => client.transactions.list().toArray());
        assert.deepEqual(rows, typed);
        const expected = scenario.expect;
        if (expected.error) assert.equal(rows.kind, expected.error, JSON.stringify(rows));
        else assert.equal(JSON.parse(rows.records).length, expected.records);
      } finally {
        await odd.stop();
      }
    });
  }
});
