// The Node runner of the cross-language scenarios (tests/scenarios/README.md).
//
//     node test/scenario-runner.mjs MANIFEST RESULTS
//
// Replays every step of each scenario against its sandbox through the package's public API
// (the same calls a user makes) and writes each step's outcome to RESULTS (JSON lines). It
// checks nothing: `cargo xtask scenarios` applies the expectations. Semantics are those of
// the Rust runner (tests/e2e/src/bin/scenarios/main.rs). Records are written in the server's JSON
// shape: custom attributes (`extra`) at the top level, times as the server's text (`*_raw`).

import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zkbiotime from 'zkbiotime';

const {
  Client,
  directions,
  ListResource,
  DeletableResource,
  WritableResource,
  ZKBioTimeError,
  AuthenticationError,
  LoginCooldownError,
  PermissionError,
  LicenceError,
  NotFoundError,
  BadRequestError,
  ServerError,
  TransportError,
  TimeoutError,
  UnexpectedResponseError,
  InvalidArgumentError,
} = zkbiotime;

/** Error class → kind name; subclasses before their parents. */
const KINDS = [
  [LoginCooldownError, 'login_cooldown'],
  [AuthenticationError, 'authentication'],
  [LicenceError, 'licence'],
  [PermissionError, 'permission'],
  [NotFoundError, 'not_found'],
  [BadRequestError, 'bad_request'],
  [ServerError, 'server'],
  [TransportError, 'transport'],
  [TimeoutError, 'timeout'],
  [UnexpectedResponseError, 'unexpected_response'],
  [InvalidArgumentError, 'invalid_argument'],
];

function kindOf(e) {
  for (const [Class, kind] of KINDS) if (e instanceof Class) return kind;
  if (e instanceof ZKBioTimeError) return 'internal';
  return 'runner'; // a fault of this runner, not an outcome of the API
}

/** A step's error as the checker reads it. */
function errorOf(e) {
  const api = e instanceof ZKBioTimeError;
  return {
    kind: kindOf(e),
    status: api && Number.isInteger(e.status) ? e.status : null,
    detail: api ? String(e.message) : String((e && e.stack) || e),
    field_errors: api && isObject(e.fieldErrors) ? e.fieldErrors : {},
  };
}

/** A runner-level problem with a step, reported as the Rust runner does (invalid argument). */
function invalid(detail) {
  return new InvalidArgumentError(`invalid argument: ${detail}`, {
    kind: 'invalid_argument',
    detail,
  });
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** `serde_json::Value::as_u64`. */
const asU64 = (v) => (Number.isSafeInteger(v) && v >= 0 ? v : undefined);
/** `serde_json::Value::as_i64`. */
const asI64 = (v) => (Number.isSafeInteger(v) ? v : undefined);
/** `value[key]` of serde_json: null unless `value` is an object holding `key`. */
const at = (value, key) => (isObject(value) && Object.hasOwn(value, key) ? value[key] ?? null : null);
const show = (v) => JSON.stringify(v) ?? 'null';

function buildClient(url, options) {
  const o = { baseUrl: url };
  const auth = typeof options.auth === 'string' ? options.auth : 'password';
  if (auth === 'jwt') Object.assign(o, { username: 'admin', password: 'admin123', jwt: true });
  else if (auth === 'token') o.token = typeof options.token === 'string' ? options.token : '';
  else if (auth === 'wrong_password') Object.assign(o, { username: 'admin', password: 'wrong-password' });
  else if (['basic', 'staff_token', 'staff_jwt'].includes(auth)) Object.assign(o, { username: 'admin', password: 'admin123', auth });
  else Object.assign(o, { username: 'admin', password: 'admin123' });
  const pageSize = asU64(options.page_size);
  if (pageSize !== undefined) o.pageSize = pageSize;
  // `retries` in the scenario format is the number of attempts; tiny delays.
  const attempts = asU64(options.retries);
  if (attempts !== undefined) {
    Object.assign(o, {
      retries: Math.max(attempts - 1, 0),
      retryBaseDelayMs: 5,
      retryMaxDelayMs: 100,
      retryBudgetMs: 120000,
    });
  }
  const timeoutS = Number(options.timeout_s);
  if (Number.isFinite(timeoutS) && timeoutS > 0) o.timeoutMs = Math.round(timeoutS * 1000);
  if (typeof options.strict === 'boolean') o.strict = options.strict;
  return new Client(o);
}

/**
 * A record in the server's JSON shape (what the Rust runner serialises): `*_time` as the
 * server's text (from `*_raw`), custom attributes (`extra`) as top-level keys, a secret as
 * its value, absent values as null.
 */
function apiJson(value) {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(apiJson);
  if (typeof value !== 'object') return value;
  if (typeof value.expose === 'function') return value.expose();
  const out = {};
  const raws = [];
  for (const [key, v] of Object.entries(value)) {
    if (key === 'extra' && isObject(v)) continue;
    if (key.endsWith('_raw') && Object.hasOwn(value, key.slice(0, -4))) raws.push([key, v]);
    else out[key] = apiJson(v);
  }
  for (const [key, v] of raws) out[key.slice(0, -4)] = apiJson(v);
  if (isObject(value.extra)) {
    for (const [key, v] of Object.entries(value.extra)) out[key] = apiJson(v);
  }
  return out;
}

/** The generic operations of a resource: never an `action`. */
const OPS = new Set(['get', 'list', 'page', 'create', 'update', 'delete', 'upsert', 'sync']);

/** A whole string `"$name"` in `fields`: the id saved as `name`. */
const SAVED_REF = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;

/** A body from the scenario's fields: the names the API gives the body, the rest in `extra`. */
function body(resource, op, fields) {
  if (!isObject(fields)) throw invalid(`fields must be an object, got ${show(fields)}`);
  const known = new Set(resource.bodyFields(op));
  const out = {};
  const extra = {};
  for (const [key, v] of Object.entries(fields)) {
    if (known.has(key)) out[key] = v;
    else extra[key] = v;
  }
  if (Object.keys(extra).length > 0) out.extra = extra;
  return out;
}

class Runner {
  constructor(url, base) {
    this.url = url;
    this.base = base;
    this.client = undefined;
    this.saved = new Map();
    this.states = new Map();
  }

  /** Runs one step (its client, the call, the id to save) and returns its result. */
  async step(step) {
    const opt = step.client;
    if (isObject(opt)) this.client = buildClient(this.url, { ...this.base, ...opt });
    else if (opt !== 'same' || this.client === undefined) this.client = buildClient(this.url, this.base);
    const value = await this.call(step);
    // An upsert's record is inside its result.
    const id = asI64(at(step.op === 'upsert' ? at(value, 'record') : value, 'id'));
    if (typeof step.save === 'string' && id !== undefined) this.saved.set(step.save, id);
    return value;
  }

  id(step) {
    const raw = step.id;
    if (typeof raw === 'string') {
      const id = this.saved.get(raw.replace(/^\$+/, ''));
      if (id === undefined) throw invalid(`no saved id ${raw}`);
      return id;
    }
    const id = asI64(raw);
    if (id === undefined) throw invalid('step has no id');
    return id;
  }

  /** `fields` with every `"$name"` (at any depth, lists included) as the saved id. */
  substitute(value) {
    if (typeof value === 'string') {
      const m = SAVED_REF.exec(value);
      if (m === null) return value;
      const id = this.saved.get(m[1]);
      if (id === undefined) throw invalid(`no saved id ${value}`);
      return id;
    }
    if (Array.isArray(value)) return value.map((v) => this.substitute(v));
    if (isObject(value)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.substitute(v)]));
    }
    return value;
  }

  async call(step) {
    const op = typeof step.op === 'string' ? step.op : '';
    const name = typeof step.resource === 'string' ? step.resource : '';
    const filters = () => {
      const f = step.filters === undefined ? {} : step.filters;
      if (!isObject(f)) throw invalid(`filters must be an object, got ${show(f)}`);
      return f;
    };
    const fields = this.substitute(step.fields === undefined ? {} : step.fields);
    const c = this.client;
    if (op === 'sync') {
      const key = typeof step.state === 'string' ? step.state : 'default';
      let state = this.states.get(key);
      let added = 0;
      let since = state === undefined && typeof step.since === 'string' ? step.since : undefined;
      for (;;) {
        const batch = await c.transactions.sync(state, { max: 1000, since });
        since = undefined;
        added += batch.punches.length;
        state = batch.state;
        if (batch.complete) break;
      }
      this.states.set(key, state);
      return { new: added };
    }
    if (op === 'report') {
      const params = isObject(step.params) ? step.params : {};
      return apiJson(await c.report(typeof step.name === 'string' ? step.name : '', params).toArray());
    }
    if (op === 'directions') {
      const punches = await c.transactions.list(filters()).toArray();
      const by = typeof step.by === 'string' ? step.by : 'state';
      const found = directions(punches, { by, terminals: isObject(step.terminals) ? step.terminals : undefined });
      const count = (want) => found.filter((d) => d === want).length;
      return { in: count('in'), out: count('out'), none: count(null) };
    }
    if (op === 'export') {
      const dir = mkdtempSync(join(tmpdir(), 'zkbiotime-scenario-'));
      try {
        const path = join(dir, 'export');
        const format = typeof step.format === 'string' ? step.format : 'csv';
        const bytes = await c.transactions.exportFile(path, { ...filters(), format });
        const lines = readFileSync(path, 'utf8')
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l !== '');
        return { bytes, lines: lines.length, header: lines[0] ?? null };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    // The client's resources are its own properties (made from the spec's table).
    const r = Object.hasOwn(c, name) ? c[name] : undefined;
    if (!(r instanceof ListResource)) throw invalid(`unknown resource ${name}`);
    if (op === 'action') {
      // The resource's actions (the spec's x-action): methods of the resource object itself,
      // the body as given, the answer the server's JSON.
      const action = typeof step.action === 'string' ? step.action : '';
      if (OPS.has(action) || !Object.hasOwn(r, action) || typeof r[action] !== 'function') {
        throw invalid(`no action ${show(action)} on ${show(name)}`);
      }
      if (!isObject(fields)) throw invalid(`fields must be an object, got ${show(fields)}`);
      return r[action](fields);
    }
    switch (op) {
      case 'get':
        return apiJson(await r.get(this.id(step)));
      case 'list':
        return apiJson(await r.list(filters()).toArray());
      case 'page': {
        const number = asI64(step.page) ?? 1;
        const p = await r.page(number, filters());
        return { count: p.count, items: p.items.length, has_next: p.hasNext };
      }
      default:
        break;
    }
    if (op === 'delete' && r instanceof DeletableResource) {
      await r.delete(this.id(step));
      return null;
    }
    if (!(r instanceof WritableResource)) throw invalid(`${op} is not possible on ${name}`);
    switch (op) {
      case 'create':
        return apiJson(await r.create(body(r, 'create', fields)));
      case 'update': {
        const id = this.id(step);
        return apiJson(await r.update(id, body(r, 'update', fields)));
      }
      case 'upsert': {
        if (typeof r.upsert !== 'function') throw invalid(`upsert is not possible on ${name}`);
        const { created, record } = await r.upsert(body(r, 'create', fields));
        return { created, record: apiJson(record) };
      }
      default:
        throw invalid(`unknown op ${op}`);
    }
  }
}

async function runScenario(name, scenario, url, out) {
  const base = isObject(scenario.client) ? scenario.client : {};
  const runner = new Runner(url, base);
  const steps = Array.isArray(scenario.steps) ? scenario.steps : [];
  for (const [i, step] of steps.entries()) {
    const line = { scenario: name, step: i + 1 };
    try {
      const result = await runner.step(step);
      Object.assign(line, { ok: true, result: result === undefined ? null : result });
    } catch (e) {
      Object.assign(line, { ok: false, error: errorOf(e) });
    }
    writeSync(out, `${JSON.stringify(line)}\n`);
  }
  console.error(`node ${name}: ${steps.length} steps run`);
}

async function main(manifestPath, resultsPath) {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const out = openSync(resultsPath, 'w');
  for (const entry of manifest) {
    const path = entry.scenario;
    let scenario;
    try {
      scenario = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      writeSync(out, `${JSON.stringify({ scenario: path, error: `${path}: ${e && e.message}` })}\n`);
      continue;
    }
    const name = typeof scenario.name === 'string' ? scenario.name : path;
    await runScenario(name, scenario, entry.url, out);
  }
  closeSync(out);
}

if (process.argv.length !== 4) {
  console.error('usage: node test/scenario-runner.mjs MANIFEST RESULTS');
  process.exit(2);
}
await main(process.argv[2], process.argv[3]);
