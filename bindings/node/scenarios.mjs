// The Node runner of the cross-language scenarios (tests/scenarios/README.md).
//
//     node scenarios.mjs MANIFEST RESULTS
//
// Replays each scenario against its sandbox through the package's public API (the same calls
// a user makes) and writes pass / fail per scenario. Semantics are those of the Rust runner
// (tests/e2e/src/bin/scenarios.rs). Records are compared in the server's JSON shape: custom
// attributes (`extra`) at the top level, times as the server's text (`*_raw`).

import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import zkbiotime from 'zkbiotime';

const {
  Client,
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

const RESOURCES = new Set([
  'employees',
  'departments',
  'areas',
  'positions',
  'resigns',
  'terminals',
  'transactions',
]);

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
  return `not a ZKBioTimeError (${e && e.name})`;
}

/** A runner-level problem with a step, reported as the Rust runner does (invalid argument). */
function invalid(detail) {
  return new InvalidArgumentError(`invalid argument: ${detail}`, {
    kind: 'invalid_argument',
    detail,
  });
}

class Failure extends Error {}

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
  constructor(url, base, client) {
    this.url = url;
    this.base = base;
    this.client = client;
    this.saved = new Map();
    this.states = new Map();
  }

  async step(step) {
    const opt = step.client;
    try {
      if (isObject(opt)) this.client = buildClient(this.url, { ...this.base, ...opt });
      else if (opt !== 'same') this.client = buildClient(this.url, this.base);
    } catch (e) {
      throw new Failure(String(e && e.message));
    }
    const expect = isObject(step.expect) ? step.expect : {};
    const kind = typeof expect.error === 'string' ? expect.error : undefined;
    let value;
    try {
      value = await this.call(step);
    } catch (e) {
      if (kind === undefined) throw new Failure(`unexpected error: ${e}`);
      checkError(e, kind, expect);
      return;
    }
    if (kind !== undefined) throw new Failure(`expected a ${kind} error, got ${show(value)}`);
    const id = asI64(at(value, 'id'));
    if (typeof step.save === 'string' && id !== undefined) this.saved.set(step.save, id);
    checkValue(value, expect);
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
      for (;;) {
        const batch = await c.transactions.sync(state, { max: 1000 });
        added += batch.punches.length;
        state = batch.state;
        if (batch.complete) break;
      }
      this.states.set(key, state);
      return { new: added };
    }
    if (!RESOURCES.has(name)) throw invalid(`unknown resource ${name}`);
    const r = c[name];
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
    if (!(r instanceof WritableResource)) throw invalid(`${op} is not possible on ${name}`);
    switch (op) {
      case 'create':
        return apiJson(await r.create(body(r, 'create', fields)));
      case 'update': {
        const id = this.id(step);
        return apiJson(await r.update(id, body(r, 'update', fields)));
      }
      case 'delete':
        await r.delete(this.id(step));
        return null;
      case 'upsert': {
        if (typeof r.upsert !== 'function') throw invalid(`upsert is not possible on ${name}`);
        const { created, record } = await r.upsert(body(r, 'create', fields));
        const out = apiJson(record);
        return isObject(out) ? { ...out, created } : out;
      }
      default:
        throw invalid(`unknown op ${op}`);
    }
  }
}

function checkError(e, kind, expect) {
  const got = kindOf(e);
  if (got !== kind) throw new Failure(`expected ${kind}, got ${got} (${e && e.message})`);
  const status = asU64(expect.status);
  if (status !== undefined && e.status !== status) {
    throw new Failure(`expected status ${status}, got ${e.status}`);
  }
  const wanted = Array.isArray(expect.field_errors) ? expect.field_errors : [];
  for (const field of wanted) {
    const name = typeof field === 'string' ? field : '';
    const messages = Object.hasOwn(e.fieldErrors, name) ? e.fieldErrors[name] : undefined;
    if (!Array.isArray(messages) || messages.length === 0) {
      throw new Failure(`no message for field ${name}: ${show(e.fieldErrors)}`);
    }
  }
}

function checkValue(value, expect) {
  if (isObject(expect.fields)) {
    for (const [key, want] of Object.entries(expect.fields)) {
      if (!isDeepStrictEqual(at(value, key), want)) {
        throw new Failure(`${key}: expected ${show(want)}, got ${show(at(value, key))}`);
      }
    }
  }
  for (const key of ['created', 'count', 'items', 'has_next', 'new']) {
    if (Object.hasOwn(expect, key) && !isDeepStrictEqual(at(value, key), expect[key])) {
      throw new Failure(`${key}: expected ${show(expect[key])}, got ${show(at(value, key))}`);
    }
  }
  const minNew = asU64(expect.min_new);
  if (minNew !== undefined && (asU64(at(value, 'new')) ?? 0) < minNew) {
    throw new Failure(`new: expected at least ${minNew}, got ${show(at(value, 'new'))}`);
  }
  if (!Array.isArray(value)) return;
  const records = asU64(expect.records);
  if (records !== undefined && value.length !== records) {
    throw new Failure(`expected ${records} records, got ${value.length}`);
  }
  const minRecords = asU64(expect.min_records);
  if (minRecords !== undefined && value.length < minRecords) {
    throw new Failure(`expected at least ${minRecords} records, got ${value.length}`);
  }
  if (expect.unique_ids === true) {
    const ids = new Set(value.map((r) => asI64(at(r, 'id')) ?? null));
    if (ids.size !== value.length) throw new Failure(`${value.length - ids.size} duplicate ids`);
  }
  if (isObject(expect.all)) {
    for (const r of value) {
      for (const [key, want] of Object.entries(expect.all)) {
        let got = at(r, key);
        // Terminals nest their area; compare by its name.
        if (got === null && key === 'area_name') got = at(at(r, 'area'), 'area_name');
        if (!isDeepStrictEqual(got, want)) {
          throw new Failure(`record ${show(at(r, 'id'))}: ${key} is ${show(got)}, expected ${show(want)}`);
        }
      }
    }
  }
}

async function runScenario(scenario, url) {
  const base = isObject(scenario.client) ? scenario.client : {};
  let client;
  try {
    client = buildClient(url, base);
  } catch (e) {
    throw new Failure(`client: ${e && e.message}`);
  }
  const runner = new Runner(url, base, client);
  const steps = Array.isArray(scenario.steps) ? scenario.steps : [];
  for (const [i, step] of steps.entries()) {
    try {
      await runner.step(step);
    } catch (e) {
      const why = e instanceof Failure ? e.message : `runner error: ${e && e.stack}`;
      throw new Failure(`step ${i + 1} (${show(step.op)}): ${why}`);
    }
  }
}

async function main(manifestPath, resultsPath) {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const results = {};
  for (const entry of manifest) {
    const path = entry.scenario;
    const scenario = JSON.parse(readFileSync(path, 'utf8'));
    const name = typeof scenario.name === 'string' ? scenario.name : path;
    let pass = true;
    let detail = '';
    try {
      await runScenario(scenario, entry.url);
    } catch (e) {
      pass = false;
      detail = e instanceof Failure ? e.message : `runner error: ${e && e.stack}`;
    }
    console.error(`node ${name}: ${pass ? 'pass' : `FAIL: ${detail}`}`);
    results[name] = { pass, detail };
  }
  writeFileSync(resultsPath, JSON.stringify({ language: 'node', results }, null, 2));
}

if (process.argv.length !== 4) {
  console.error('usage: node scenarios.mjs MANIFEST RESULTS');
  process.exit(2);
}
await main(process.argv[2], process.argv[3]);
