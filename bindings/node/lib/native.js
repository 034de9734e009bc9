'use strict';
// Loads the native addon built for this platform and hands it the row decoders.
//
// Looked for, in order: $ZKBIOTIME_NATIVE_PATH; `zkbiotime.<platform>-<arch>[-<abi>].node`
// beside the package (what `napi build --platform` and `cargo xtask test` put there); the
// per-platform npm package `zkbiotime-<platform>-<arch>[-<abi>]` (napi-rs's convention for
// prebuilt binaries).

const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

function isMusl() {
  if (process.platform !== 'linux') return false;
  try {
    const report = process.report && process.report.getReport();
    if (report && report.header) return !report.header.glibcVersionRuntime;
  } catch {
    // fall through to the loader check
  }
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    return false;
  }
}

function platformTriple() {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

function load() {
  const triple = platformTriple();
  const tried = [];
  const candidates = [];
  if (process.env.ZKBIOTIME_NATIVE_PATH) candidates.push(process.env.ZKBIOTIME_NATIVE_PATH);
  candidates.push(join(__dirname, '..', `zkbiotime.${triple}.node`));
  for (const file of candidates) {
    tried.push(file);
    if (existsSync(file)) return require(file);
  }
  const pkg = `zkbiotime-${triple}`;
  tried.push(pkg);
  try {
    return require(pkg);
  } catch (e) {
    if (e && e.code !== 'MODULE_NOT_FOUND') throw e;
  }
  throw new Error(
    `zkbiotime: no native addon for ${triple}. Looked for: ${tried.join(', ')}. ` +
      'Build it with `npm run build` (needs Rust) or install the package for your platform.',
  );
}

const addon = load();
// Pages of records arrive as JSON rows; the generated decoders make them records.
addon.setRowDecoder(require('./rows').decodeRows);
module.exports = addon;
