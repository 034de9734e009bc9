// The escape hatch and the server probe: `client.request` (any method and path through the
// client's auth, retries and errors), `client.serverInfo()`, and the auth options (`auth`,
// its clash with `jwt: true`, `acceptLanguage`), against real sandboxes.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client, InvalidArgumentError, LicenceError, NotFoundError } = require('..');

/** Asserts `fn()` throws (or its promise rejects with) an `InvalidArgumentError`. */
async function rejectsInvalid(fn, pattern) {
  await assert.rejects(
    async () => fn(),
    (e) => {
      assert.ok(e instanceof InvalidArgumentError, `${e.name}: ${e.message}`);
      assert.equal(e.kind, 'invalid_argument');
      if (pattern) assert.match(e.message, pattern);
      return true;
    },
  );
}

describe('request and serverInfo', () => {
  let sandbox;
  let client;
  before(async () => {
    sandbox = await startSandbox();
    client = new Client({ baseUrl: sandbox.url, ...admin });
  });
  after(() => sandbox.stop());

  it('GET returns the decoded envelope', async () => {
    const page = await client.request('GET', '/personnel/api/employees/', {
      params: { page_size: 1 },
    });
    assert.equal(typeof page.count, 'number');
    assert.ok(page.count >= 1, `count ${page.count}`);
    assert.equal(page.data.length, 1);
    assert.equal(typeof page.data[0].emp_code, 'string');
  });

  it('params: strings and numbers; undefined and null are left out', async () => {
    const page = await client.request('get', '/personnel/api/employees/', {
      params: { emp_code: '1', page: 1, page_size: 5, last_name: undefined, first_name: null },
    });
    assert.deepEqual(page.data.map((e) => e.emp_code), ['1']);
  });

  it('writes with a JSON body, and an empty answer is null', async () => {
    const created = await client.request('POST', '/personnel/api/areas/', {
      json: { area_code: 'RQ1', area_name: 'Request area' },
    });
    assert.equal(created.area_code, 'RQ1');
    const id = created.id ?? (await client.areas.list({ area_code: 'RQ1' }).toArray())[0].id;
    const patched = await client.request('PATCH', `/personnel/api/areas/${id}/`, {
      json: { area_name: 'Renamed' },
    });
    assert.equal(patched.area_name, 'Renamed');
    const deleted = await client.request('DELETE', `/personnel/api/areas/${id}/`);
    assert.ok(deleted === null || typeof deleted === 'object', `${deleted}`);
    await assert.rejects(client.request('GET', `/personnel/api/areas/${id}/`), NotFoundError);
  });

  it('an unknown method is an InvalidArgumentError from the core', async () => {
    await rejectsInvalid(() => client.request('FETCH', '/personnel/api/employees/'), /FETCH/);
  });

  it('bad paths, params and options are InvalidArgumentErrors', async () => {
    await rejectsInvalid(() => client.request('GET', 'personnel/api/employees/'), /path/);
    await rejectsInvalid(() => client.request('GET', '/personnel/api/employees/?page=1'), /path/);
    await rejectsInvalid(
      () => client.request('GET', '/personnel/api/employees/', { params: { area: [1, 2] } }),
      /area/,
    );
    await rejectsInvalid(
      () => client.request('GET', '/personnel/api/employees/', { params: { page: NaN } }),
      /page/,
    );
    await rejectsInvalid(
      () => client.request('GET', '/personnel/api/employees/', { query: { page: 1 } }),
      /query/,
    );
    await rejectsInvalid(() => client.request('POST', '/personnel/api/areas/', { json: 1n }));
    await rejectsInvalid(() => client.request(undefined, '/personnel/api/areas/'));
  });

  it('serverInfo reads the default sandbox', async () => {
    const info = await client.serverInfo();
    assert.equal(info.envelope_key, 'data');
    assert.deepEqual(Object.keys(info).sort(), [
      'docs_title',
      'employee_shape',
      'envelope_key',
      'page_size_param',
      'resign_api',
      'version',
    ]);
    assert.equal(info.employee_shape, 'nested');
  });
});

describe('auth schemes', () => {
  let sandbox;
  before(async () => {
    sandbox = await startSandbox();
  });
  after(() => sandbox.stop());

  it("auth: 'basic' sends HTTP Basic on every request", async () => {
    const client = new Client({ baseUrl: sandbox.url, ...admin, auth: 'basic' });
    assert.equal((await client.employees.get(1)).last_name, 'Potter');
    const page = await client.request('GET', '/personnel/api/employees/', {
      params: { page_size: 1 },
    });
    assert.ok(page.count >= 1);
  });

  it("auth: 'jwt' and 'token' log in; jwt: true still works and agrees with auth: 'jwt'", async () => {
    for (const options of [{ auth: 'jwt' }, { auth: 'token' }, { jwt: true }, { jwt: true, auth: 'jwt' }]) {
      const client = new Client({ baseUrl: sandbox.url, ...admin, ...options });
      assert.equal((await client.employees.get(1)).emp_code, '1', JSON.stringify(options));
    }
  });

  it('an unknown auth is an InvalidArgumentError that lists the schemes', async () => {
    await rejectsInvalid(
      () => new Client({ baseUrl: sandbox.url, ...admin, auth: 'kerberos' }),
      /kerberos.*token, jwt, staff_token, staff_jwt, basic/,
    );
  });

  it('jwt: true with another auth, or auth with a token, is an InvalidArgumentError', async () => {
    await rejectsInvalid(
      () => new Client({ baseUrl: sandbox.url, ...admin, jwt: true, auth: 'basic' }),
      /jwt/,
    );
    await rejectsInvalid(
      () => new Client({ baseUrl: sandbox.url, token: 't', auth: 'basic' }),
      /auth/,
    );
  });

  it('a value of acceptLanguage that is no header text is refused by the core', async () => {
    const client = new Client({ baseUrl: sandbox.url, ...admin, acceptLanguage: 'zh-hans' });
    assert.equal((await client.employees.get(1)).emp_code, '1');
    await rejectsInvalid(
      () => new Client({ baseUrl: sandbox.url, ...admin, acceptLanguage: 'en\nX-Evil: 1' }),
      /acceptLanguage/,
    );
  });
});

describe('what goes on the wire', () => {
  // A stand-in server that answers `{}` and keeps what it was sent.
  let server;
  let url;
  const seen = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok": true}');
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('acceptLanguage (default en), query pairs and the JSON body', async () => {
    const plain = new Client({ baseUrl: url, token: 't0' });
    assert.deepEqual(await plain.request('GET', '/att/api/x/'), { ok: true });
    assert.equal(seen.at(-1).headers['accept-language'], 'en');
    const zh = new Client({ baseUrl: url, token: 't0', acceptLanguage: 'zh-hans' });
    await zh.request('PUT', '/att/api/x/', {
      params: { emp_code: 'a b', page: 2, skipped: undefined },
      json: { when: new Date(0), list: [1, 'x'] },
    });
    const last = seen.at(-1);
    assert.equal(last.headers['accept-language'], 'zh-hans');
    assert.equal(last.method, 'PUT');
    const query = new URL(last.url, url).searchParams;
    assert.deepEqual([...query], [['emp_code', 'a b'], ['page', '2']]);
    assert.deepEqual(JSON.parse(last.body), { when: '1970-01-01T00:00:00.000Z', list: [1, 'x'] });
  });

  it("auth: 'basic' sends the pair and never logs in", async () => {
    const client = new Client({ baseUrl: url, ...admin, auth: 'basic' });
    await client.request('GET', '/personnel/api/employees/');
    const last = seen.at(-1);
    assert.equal(last.url.split('?')[0], '/personnel/api/employees/');
    const expected = `Basic ${Buffer.from('admin:admin123').toString('base64')}`;
    assert.equal(last.headers.authorization, expected);
  });
});

describe('the licence gate', () => {
  let sandbox;
  before(async () => {
    sandbox = await startSandbox(['--licence-gate']);
  });
  after(() => sandbox.stop());

  it('a token login meets a LicenceError (a PermissionError); basic passes', async () => {
    const token = new Client({ baseUrl: sandbox.url, ...admin, retries: 0 });
    await assert.rejects(token.employees.get(1), (e) => {
      assert.ok(e instanceof LicenceError, `${e.name}: ${e.message}`);
      assert.equal(e.kind, 'licence');
      assert.equal(e.status, 403);
      return true;
    });
    const basic = new Client({ baseUrl: sandbox.url, ...admin, auth: 'basic' });
    assert.equal((await basic.employees.get(1)).last_name, 'Potter');
  });
});

describe('code labels', () => {
  it('come from the spec through the core', () => {
    const { labels } = require('..');
    assert.equal(labels('Transaction', 'punch_state')['0'], 'Check In');
    assert.equal(labels('Transaction', 'verify_type')['15'], 'Face');
    assert.deepEqual(labels('Employee', 'emp_code'), {});
  });
});
