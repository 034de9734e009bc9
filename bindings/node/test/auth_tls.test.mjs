// The other ways in: JWT login, a static token, and HTTPS with a self-signed CA (trusted by
// file path, PEM text or bytes; refused when not trusted; accepted with verification off).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { admin, startSandbox } from './helpers.mjs';

const require = createRequire(import.meta.url);
const { Client, TransportError } = require('..');

describe('credentials', () => {
  let sandbox;
  before(async () => {
    sandbox = await startSandbox(['--static-token', 'static-token-for-node-tests']);
  });
  after(() => sandbox.stop());

  it('jwt: true logs in for a JWT', async () => {
    const client = new Client({ baseUrl: sandbox.url, ...admin, jwt: true });
    assert.equal((await client.employees.get(1)).last_name, 'Potter');
  });

  it('a static token needs no login', async () => {
    const client = new Client({ baseUrl: sandbox.url, token: 'static-token-for-node-tests' });
    assert.equal((await client.departments.get(1)).dept_name, 'Department');
  });
});

describe('HTTPS with a self-signed CA', () => {
  let dir;
  let sandbox;
  let caPath;
  let url;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'zkbiotime-tls-'));
    const ssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
      '-subj', '/CN=zkbiotime node test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    ssl('req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(
      join(dir, 'leaf.ext'),
      'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' +
        'keyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
    );
    ssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key',
      '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext');
    caPath = join(dir, 'ca.pem');
    sandbox = await startSandbox([
      '--tls-cert', join(dir, 'leaf.pem'),
      '--tls-key', join(dir, 'leaf.key'),
    ]);
    url = sandbox.url;
    assert.match(url, /^https:\/\//);
  });
  after(async () => {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('trusts the CA given as a file path, PEM text or bytes', async () => {
    const pem = readFileSync(caPath, 'utf8');
    for (const ca of [caPath, pem, Buffer.from(pem)]) {
      const client = new Client({ baseUrl: url, ...admin, ca });
      assert.equal((await client.employees.get(1)).emp_code, '1');
    }
  });

  it('refuses a server it cannot verify, with a TransportError that says why', async () => {
    const client = new Client({ baseUrl: url, ...admin, retries: 0 });
    await assert.rejects(client.employees.get(1), (e) => {
      assert.ok(e instanceof TransportError, `${e.name}: ${e.message}`);
      assert.match(e.detail, /certificate|UnknownIssuer/i);
      return true;
    });
  });

  it('insecureSkipTlsVerify turns verification off', async () => {
    const client = new Client({ baseUrl: url, ...admin, insecureSkipTlsVerify: true });
    assert.equal((await client.employees.get(1)).emp_code, '1');
  });
});
