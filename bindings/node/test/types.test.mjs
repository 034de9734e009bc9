// The TypeScript face: `index.d.ts` + the generated `generated.d.ts` compile under
// `tsc --strict`, accept the API and reject misuse (test/types/usage.mts), and no public
// type is `any`.

import { it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from './helpers.mjs';

const tsc = join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc');

it('the typed usage example compiles with tsc --strict', () => {
  try {
    execFileSync(process.execPath, [tsc, '-p', join(packageDir, 'test', 'types')], {
      cwd: packageDir,
      encoding: 'utf8',
      stdio: 'pipe',
    });
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
  }
});

it('no public type is any', () => {
  for (const file of ['index.d.ts', 'generated.d.ts']) {
    const code = readFileSync(join(packageDir, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\bany\b/, file);
  }
});

it('every record of the generated types has its interface', () => {
  const generated = readFileSync(join(packageDir, 'generated.d.ts'), 'utf8');
  for (const name of ['Employee', 'Department', 'Area', 'Position', 'Terminal', 'Transaction']) {
    assert.match(generated, new RegExp(`export interface ${name} \\{`));
    assert.match(generated, new RegExp(`export interface ${name}Filter \\{`));
  }
  assert.match(generated, /^\/\/ @generated/);
});
