// The package identifies itself: its version, and a User-Agent naming the binding and the core.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Client, version } = require('..');

test('User-Agent zkbiotime-node/<version> (core <version>), version exported', async () => {
  const agents = [];
  const server = createServer((req, res) => {
    agents.push(req.headers['user-agent']);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ count: 0, next: null, previous: null, data: [] }));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const client = new Client({ baseUrl: `http://127.0.0.1:${server.address().port}`, token: 't' });
    assert.deepEqual(await client.employees.list().toArray(), []);
  } finally {
    server.close();
  }
  assert.match(version, /^\d+\.\d+\.\d+/);
  assert.equal(version, require('../package.json').version);
  assert.deepEqual(agents, [`zkbiotime-node/${version} (core ${version})`]);
});
