// The package as users get it: `npm pack`, installed into an empty project, runs the
// README's quick starts: the JavaScript one with `require`, the TypeScript one compiled
// with `tsc --strict` to an ES module (`import { Client } from 'zkbiotime'`). The code run
// is exactly the code in README.md.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageDir, startSandbox } from './helpers.mjs';

let sandbox;
let project;

/** The fenced code block right after `<!-- quickstart:<lang>` in README.md. */
function quickstart(lang) {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const re = new RegExp(`<!-- quickstart:${lang}[^>]*-->\\s*\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``);
  const m = re.exec(readme);
  assert.ok(m, `README.md has a ${lang} quick start`);
  return m[1];
}

function run(cmd, args, cwd, env = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120000,
  });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

before(async () => {
  sandbox = await startSandbox(['--employees', '20', '--days', '3']);
  const base = process.env.ZKBIO_NODE_WORK || tmpdir();
  mkdirSync(base, { recursive: true });
  project = mkdtempSync(join(base, 'zkbiotime-pack-'));
});
after(async () => {
  await sandbox.stop();
  rmSync(project, { recursive: true, force: true });
});

it('npm pack holds the addon, the JS, the types and the README, and nothing else', () => {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', project], {
    cwd: packageDir,
    encoding: 'utf8',
  });
  const [info] = JSON.parse(out);
  const files = info.files.map((f) => f.path).sort();
  for (const want of [
    'README.md',
    'generated.d.ts',
    'index.d.ts',
    'index.js',
    'lib/client.js',
    'lib/errors.js',
    'lib/native.js',
    'package.json',
    'zkbiotime.linux-x64-gnu.node',
  ]) {
    assert.ok(files.includes(want), `${want} missing from ${files.join(', ')}`);
  }
  for (const path of files) {
    assert.doesNotMatch(path, /^(src|test|node_modules)\/|Cargo|\.rs$|build\.rs/, path);
  }
  writeFileSync(join(project, 'tarball'), info.filename);
});

it('installs into an empty project, and the JavaScript quick start runs', () => {
  const tarball = readFileSync(join(project, 'tarball'), 'utf8');
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'quickstart', version: '1.0.0', private: true }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', `./${tarball}`], project);
  writeFileSync(join(project, 'quickstart.js'), quickstart('js'));
  const out = run(process.execPath, ['quickstart.js'], project, { ZKBIO_URL: sandbox.url });
  assert.match(out, /^1 Harry Potter /m);
  assert.match(out, /^\d+ employees in department 1$/m);
  assert.match(out, /^first punch: \S+ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00$/m);
  assert.match(out, /^[1-9]\d* punches since June 1st$/m);
  assert.match(out, /^no employee 999999: 404 Not found\.$/m);
});

it('the TypeScript quick start compiles with tsc --strict and runs as an ES module', () => {
  writeFileSync(join(project, 'quickstart.mts'), quickstart('ts'));
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        outDir: 'dist',
        // @types/node from the package's dev dependencies: no download for the test.
        typeRoots: [join(packageDir, 'node_modules', '@types')],
        types: ['node'],
      },
      files: ['quickstart.mts'],
    }),
  );
  const tsc = join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '-p', '.'], project);
  const env = { ZKBIO_URL: sandbox.url };
  const out = run(process.execPath, ['dist/quickstart.mjs'], project, env);
  assert.match(out, /^1 Department$/m);
  assert.match(out, /^created QS-1 \d+$/m);
  assert.match(out, /^page 1: \d+ of \d+ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/m);
  assert.match(out, /^\d+ new punches, complete: true$/m);
  assert.match(out, /^BadRequestError 400 \{/m);
  // Run twice: the upsert now updates.
  const again = run(process.execPath, ['dist/quickstart.mjs'], project, env);
  assert.match(again, /^updated QS-1 /m);
});
