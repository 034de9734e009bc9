// One benchmark measurement per process (so peak memory is this client's alone):
//
//   node bench/pull.mjs sdk|sdk-sequential|plain|get --url URL [--page-size N] [--concurrency N] [--n N]
//
// - sdk:            the SDK's full punch pull (`for await` over transactions.list()), pages
//                   fetched `concurrency` at a time by the Rust core;
// - sdk-sequential: the same with concurrency 1;
// - plain:          what one writes without the SDK: fetch + JSON.parse, page after page;
// - get:            `n` sequential `employees.get(1)` (single-call latency).
//
// Prints one JSON line `{"mode","records","wall_s","cpu_s","window_cpu_s","peak_rss_kb"}`
// (`cpu_s`: the whole process; `window_cpu_s`: inside the timed part only), the protocol of
// `cargo xtask bench`.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const [mode, ...rest] = argv;
  const args = { mode, url: '', pageSize: 1000, concurrency: 4, n: 1000 };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--url') args.url = value;
    else if (flag === '--page-size') args.pageSize = Number(value);
    else if (flag === '--concurrency') args.concurrency = Number(value);
    else if (flag === '--n') args.n = Number(value);
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.url) throw new Error('--url is required');
  return args;
}

const auth = { username: 'admin', password: 'admin123' };

async function sdkPull(args, concurrency) {
  const { Client } = require('..');
  const client = new Client({ baseUrl: args.url, ...auth, pageSize: args.pageSize, concurrency });
  let records = 0;
  for await (const p of client.transactions.list()) {
    // Touch the record so the work is not skipped.
    if (p.emp_code !== '') records++;
  }
  return records;
}

async function plainPull(args) {
  const login = await fetch(`${args.url}/api-token-auth/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(auth),
  });
  if (!login.ok) throw new Error(`login: HTTP ${login.status}`);
  const { token } = JSON.parse(await login.text());
  const headers = { authorization: `Token ${token}` };
  let records = 0;
  for (let page = 1; ; page++) {
    const url = `${args.url}/iclock/api/transactions/?page=${page}&page_size=${args.pageSize}&limit=${args.pageSize}`;
    const r = await fetch(url, { headers });
    if (!r.ok) throw new Error(`page ${page}: HTTP ${r.status}`);
    const body = JSON.parse(await r.text());
    for (const p of body.data) if (p.emp_code !== '') records++;
    if (!body.next) break;
  }
  return records;
}

async function gets(args) {
  const { Client } = require('..');
  const client = new Client({ baseUrl: args.url, ...auth });
  await client.login();
  for (let i = 0; i < args.n; i++) await client.employees.get(1);
  return args.n;
}

const args = parseArgs(process.argv.slice(2));
const started = process.hrtime.bigint();
const cpuAtStart = process.cpuUsage();
let records;
switch (args.mode) {
  case 'sdk':
    records = await sdkPull(args, args.concurrency);
    break;
  case 'sdk-sequential':
    records = await sdkPull(args, 1);
    break;
  case 'plain':
    records = await plainPull(args);
    break;
  case 'get':
    records = await gets(args);
    break;
  default:
    throw new Error(`unknown mode ${args.mode}`);
}
const wall = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage();
const windowCpu = process.cpuUsage(cpuAtStart);
console.log(
  JSON.stringify({
    mode: args.mode,
    records,
    wall_s: wall,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    window_cpu_s: (windowCpu.user + windowCpu.system) / 1e6,
    peak_rss_kb: process.resourceUsage().maxRSS,
  }),
);
