// Shared by the tests: a real sandbox server on a random loopback port, one per caller.
//
// `cargo xtask test` builds the sandbox and sets ZKBIO_SANDBOX_BIN; run by hand, the
// default is the workspace's debug build.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const here = dirname(fileURLToPath(import.meta.url));
export const packageDir = join(here, '..');
export const workspace = join(packageDir, '..', '..');
export const sandboxBin =
  process.env.ZKBIO_SANDBOX_BIN ?? join(workspace, 'target', 'debug', 'zkbiotime-sandbox');

/**
 * Starts `zkbiotime-sandbox --listen 127.0.0.1:0 ...args` and resolves to
 * `{ url, stop() }` once it printed its address. `stop` is also registered with `after`.
 */
export async function startSandbox(args = [], { after } = {}) {
  const child = spawn(sandboxBin, ['--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 20000) stderr = stderr.slice(-10000);
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${stderr}`)), 20000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited (${code}) before listening: ${stderr}`));
    });
    lines.once('line', (line) => {
      clearTimeout(timer);
      const m = /^listening on (\S+)/.exec(line);
      if (m) resolve(m[1]);
      else reject(new Error(`unexpected first line from the sandbox: ${line}`));
    });
  });
  child.removeAllListeners('exit');
  // Keep draining stdout so the sandbox never blocks on a full pipe.
  lines.on('line', () => {});
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  if (after) after(stop);
  return { url, stop, process: child };
}

export const admin = { username: 'admin', password: 'admin123' };
