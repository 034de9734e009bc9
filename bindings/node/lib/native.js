'use strict';
// Loads the native addon built for this platform and hands it the row decoders.
//
// Looked for, in order: $ZKBIOTIME_NATIVE_PATH; `zkbiotime.<platform>-<arch>[-<abi>].node`
// beside the package (what `napi build --platform` and `cargo xtask test` put there); the
// per-platform npm package `zkbiotime-<platform>-<arch>[-<abi>]` (napi-rs's convention for
// prebuilt binaries).

const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

// musl or glibc: `/usr/bin/ldd` names its libc and reads in well under a millisecond;
// `process.report.getReport()` (the fallback) takes ~6 ms here and seconds on some hosts.
function isMusl() {
  if (process.platform !== 'linux') return false;
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    // no ldd: ask the process report
  }
  const { report } = process;
  if (!report) return false;
  // Skips the network part of the report (the slow part); the user's setting is put back.
  const excludeNetwork = report.excludeNetwork;
  try {
    report.excludeNetwork = true;
    const header = report.getReport().header;
    return Boolean(header && !header.glibcVersionRuntime);
  } catch {
    return false;
  } finally {
    report.excludeNetwork = excludeNetwork;
  }
}

function platformTriple() {
  const { platform, arch } = process;
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`;
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

function load() {
  const tried = [];
  const override = process.env.ZKBIOTIME_NATIVE_PATH;
  if (override) {
    tried.push(override);
    if (existsSync(override)) return require(override);
  }
  const triple = platformTriple();
  const beside = join(__dirname, '..', `zkbiotime.${triple}.node`);
  tried.push(beside);
  if (existsSync(beside)) return require(beside);
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
addon.setRowDecoder(require('./rows.generated').decodeRows);
module.exports = addon;
