'use strict';
// The public client: options in camelCase, resources as properties, lists as async
// iterables, Promises everywhere else. Everything that matters (auth, retries, paging,
// upsert, sync, error classification) happens in the Rust core; this file only shapes it.

const { inspect } = require('node:util');
const native = require('./native.js');
const { aborted, fromNative, invalid, ZKBioTimeError } = require('./errors.js');
const RESOURCES = require('./resources.generated.js');

// The options of `new Client(...)`, generated from the core's settings (zkbiotime::Config).
const OPTIONS = new Map(require('./options.generated.js').map((o) => [o.option, o]));

// Secrets in records (password hashes) never print: not in console.log, JSON or templates.
native.Secret.prototype.toString = function toString() {
  return '***';
};
native.Secret.prototype.toJSON = function toJSON() {
  return '***';
};
native.Secret.prototype[inspect.custom] = function inspectSecret() {
  return 'Secret(***)';
};

/** Calls the addon, turning whatever it throws into a `ZKBioTimeError`. */
function call(fn) {
  try {
    return fn();
  } catch (e) {
    throw fromNative(e);
  }
}

/** Calls the addon and awaits its Promise; a throw or rejection becomes a `ZKBioTimeError`. */
async function settle(start) {
  try {
    return await start();
  } catch (e) {
    throw fromNative(e);
  }
}

/**
 * Filters and bodies cross as plain objects: `undefined` means "not given", a `Date` is
 * sent as ISO 8601 text (the core turns it into server time with the client's zone).
 */
function plain(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`${what} must be an object`);
  }
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[key] = v instanceof Date ? dateText(v, `${what}.${key}`) : v;
  }
  return out;
}

function dateText(date, what) {
  if (Number.isNaN(date.getTime())) throw invalid(`${what} is an invalid Date`);
  return date.toISOString();
}

/**
 * Query parameters of `request`: an object of string or number values (`undefined` or
 * `null`: left out) → `[name, text]` pairs, numbers as `String(n)` writes them.
 */
function queryPairs(params) {
  if (params === undefined || params === null) return undefined;
  if (typeof params !== 'object' || Array.isArray(params)) {
    throw invalid('request `params` must be an object of string or number values');
  }
  const pairs = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'string') {
      pairs.push([key, value]);
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      pairs.push([key, String(value)]);
    } else {
      throw invalid(
        `request param \`${key}\` must be a string or a finite number, got ${inspect(value)}`,
      );
    }
  }
  return pairs;
}

/** `new Client(DERIVED, native)`: a client over an existing native one (`withOptions`). */
const DERIVED = Symbol('zkbiotime.derived');

/**
 * The native client (or a list's cursor) behind a signal: a call after the abort throws
 * its reason; a pending one rejects with it; a cursor is closed (its read-ahead stops).
 */
function abortable(target, signal) {
  const guard = (value) => {
    if (value instanceof Promise) {
      return new Promise((resolve, reject) => {
        const onAbort = () => reject(aborted(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        value.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    }
    if (value !== null && typeof value === 'object' && typeof value.next === 'function') {
      signal.addEventListener('abort', () => value.close(), { once: true });
      return abortable(value, signal);
    }
    return value;
  };
  return new Proxy(target, {
    get(object, key) {
      const value = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      // Closing is always allowed: it is what an abort does.
      if (key === 'close') return value.bind(object);
      return (...args) => {
        if (signal.aborted) throw aborted(signal);
        return guard(value.apply(object, args));
      };
    },
  });
}

/** A `request` body → JSON text (`undefined`: no body), as `JSON.stringify` writes it. */
function jsonText(json) {
  if (json === undefined) return undefined;
  let text;
  try {
    text = JSON.stringify(json);
  } catch (e) {
    throw invalid(`request \`json\` cannot be written as JSON: ${e.message}`);
  }
  if (text === undefined) {
    throw invalid(`request \`json\` cannot be written as JSON: ${inspect(json)}`);
  }
  return text;
}

function recordId(id) {
  if (!Number.isSafeInteger(id)) throw invalid(`id must be an integer, got ${inspect(id)}`);
  return id;
}

function nativeOptions(options) {
  if (options === null || typeof options !== 'object') {
    throw invalid('new Client(options) needs an options object with at least `baseUrl`');
  }
  // The core's settings (snake case, durations in seconds); the core checks every value.
  const settings = {};
  for (const [key, value] of Object.entries(options)) {
    const option = OPTIONS.get(key);
    if (option === undefined) {
      throw invalid(`unknown option \`${key}\` (known: ${[...OPTIONS.keys()].join(', ')})`);
    }
    if (value === undefined || value === null) continue;
    if (key === 'ca') {
      // A file path, or PEM text (a string or bytes).
      const ca = value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value;
      if (typeof ca !== 'string') throw invalid('`ca` must be a PEM file path, PEM text or bytes');
      settings[ca.includes('-----BEGIN') ? 'ca_pem' : 'ca_bundle'] = ca;
      continue;
    }
    if (option.perSecond !== null) {
      if (typeof value !== 'number') throw invalid(`\`${key}\` must be a number of milliseconds`);
      settings[option.setting] = value / option.perSecond;
    } else {
      settings[option.setting] = value;
    }
  }
  return settings;
}

/**
 * The core's message about a setting, in the names (and units) of this package's options:
 * `client setting page_size: ...` → `pageSize`, `timeout must be a positive number of
 * seconds` → `timeoutMs ... of milliseconds`.
 */
function withOptionNames(e) {
  if (!(e instanceof ZKBioTimeError) || e.kind !== 'invalid_argument') return e;
  const rename = (text) => {
    for (const { option, setting, perSecond } of OPTIONS.values()) {
      const before = text;
      text = text.replace(new RegExp(`\\b${setting}\\b`, 'g'), option);
      if (perSecond !== null && text !== before) text = text.replace(/\bseconds\b/g, 'milliseconds');
    }
    return text;
  };
  const message = rename(e.message);
  if (message === e.message) return e;
  return new e.constructor(message, { ...e, detail: rename(e.detail), cause: e });
}

/**
 * Every record of a list, across all pages, as an async iterable:
 *
 *     for await (const e of client.employees.list({ department: 1 })) { ... }
 *
 * Pages after the first are fetched a few at a time ahead of the reader (the client's
 * `concurrency`); memory stays within a few pages. `count` is the server's total once the
 * first page is in (`await list.total()` fetches it); `pages()` iterates page by page.
 * Each iteration reads the list afresh from the server.
 */
class RecordList {
  #client;
  #resource;
  #filters;
  /** A cursor already opened (filters are checked when the list is made). */
  #cursor;
  /** The first page, when `total()` fetched it before iteration. */
  #first;

  constructor(client, resource, filters) {
    this.#client = client;
    this.#resource = resource;
    this.#filters = filters;
    this.#cursor = call(() => client.list(resource, filters));
    /** Records in the whole list, as the server counted on the latest page read. */
    this.count = undefined;
  }

  /** The total number of records (fetches the first page if none was read yet). */
  async total() {
    if (this.count === undefined) {
      const cursor = this.#takeCursor();
      const page = await settle(() => cursor.next());
      this.#cursor = cursor;
      this.#first = page;
      this.count = page ? page.count : 0;
    }
    return this.count;
  }

  #takeCursor() {
    const cursor = this.#cursor || call(() => this.#client.list(this.#resource, this.#filters));
    this.#cursor = undefined;
    return cursor;
  }

  /** Every page in order: `{ number, count, pageSize, hasNext, items }`. */
  async *pages() {
    const first = this.#first;
    this.#first = undefined;
    const cursor = this.#takeCursor();
    try {
      if (first !== undefined) {
        if (first === null) return;
        yield first;
      }
      for (;;) {
        const page = await settle(() => cursor.next());
        if (page === null) return;
        this.count = page.count;
        yield page;
      }
    } finally {
      // Stops the prefetch when the reader leaves early (break, return, throw).
      cursor.close();
    }
  }

  /**
   * Records one by one. Written by hand rather than as an async generator: `yield*` costs
   * several promise hops per record, this costs one (the record is already in memory).
   */
  [Symbol.asyncIterator]() {
    const pages = this.pages();
    let items = [];
    let i = 0;
    const refill = async () => {
      for (;;) {
        const step = await pages.next();
        if (step.done) return step;
        items = step.value.items;
        i = 0;
        if (items.length > 0) return { value: items[i++], done: false };
      }
    };
    return {
      next() {
        return i < items.length ? Promise.resolve({ value: items[i++], done: false }) : refill();
      },
      // `break` / `return` / `throw` in a `for await` loop: stop the pages (and the prefetch).
      async return(value) {
        items = [];
        await pages.return();
        return { value, done: true };
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Every record in one array (mind the memory on big lists). */
  async toArray() {
    const all = [];
    for await (const page of this.pages()) {
      for (const item of page.items) all.push(item);
    }
    return all;
  }

  [inspect.custom]() {
    return `RecordList(${this.#resource}, count: ${this.count})`;
  }
}

/** The addon client and API name behind each resource object (kept off the public API). */
const INTERNAL = new WeakMap();

/** A resource that can be listed (a list-only one, such as a report, has no `get`). */
class ListResource {
  constructor(client, name) {
    INTERNAL.set(this, { client, name });
  }

  /** The API name of the resource (`employees`, ...). */
  get name() {
    return INTERNAL.get(this).name;
  }

  /** Every record the filters select; unknown filter names throw `InvalidArgumentError`. */
  list(filters = {}) {
    const { client, name } = INTERNAL.get(this);
    return new RecordList(client, name, plain(filters, `${name} filters`));
  }

  /** Page `number` (1-based) of the list, with the total `count`. */
  async page(number = 1, filters = {}) {
    const { client, name } = INTERNAL.get(this);
    const f = plain(filters, `${name} filters`);
    return settle(() => client.page(name, f, recordId(number)));
  }

  [inspect.custom]() {
    return `${this.constructor.name}(${this.name})`;
  }
}

/** A resource that can be listed and read one by id. */
class Resource extends ListResource {
  /** One record by id; `NotFoundError` when there is none. */
  async get(id) {
    const { client, name } = INTERNAL.get(this);
    return settle(() => client.get(name, recordId(id)));
  }
}

/** A resource whose records can be deleted. */
class DeletableResource extends Resource {
  /** Deletes a record. */
  async delete(id) {
    const { client, name } = INTERNAL.get(this);
    await settle(() => client.delete(name, recordId(id)));
  }
}

/** A resource that can also be created and updated (and deleted). */
class WritableResource extends DeletableResource {
  /** Creates a record (never retried: a lost answer may hide a stored record). */
  async create(body) {
    const { client, name } = INTERNAL.get(this);
    return settle(() => client.create(name, plain(body, `${name} body`) ?? {}));
  }

  /** Changes the fields present in `body` (PATCH, or PUT where the API has only that). */
  async update(id, body) {
    const { client, name } = INTERNAL.get(this);
    return settle(() => client.update(name, recordId(id), plain(body, `${name} body`) ?? {}));
  }


  /**
   * The API field names a body of `create` (and `upsert`) or `update` takes, as the spec
   * names them; any other key of a body goes in `extra` (custom attributes).
   */
  bodyFields(op = 'create') {
    const { name } = INTERNAL.get(this);
    if (op !== 'create' && op !== 'update') {
      throw invalid(`bodyFields: no \`${op}\` body (create, update)`);
    }
    return call(() => native.bodyFields(name, op));
  }

}

/** A writable resource whose records have a code (`emp_code`, ...) to upsert by. */
class UpsertableResource extends WritableResource {
  /**
   * Creates the record, or updates the one with the same code. Safe to repeat. Resolves to
   * `{ created, record }`.
   */
  async upsert(body) {
    const { client, name } = INTERNAL.get(this);
    return settle(() => client.upsert(name, plain(body, `${name} body`) ?? {}));
  }
}

/** Punches: read-only, plus an incremental `sync`. */
/** `Transactions` over whatever class the spec gives punches (list, get, delete). */
const withSync = (Base) =>
  class Transactions extends Base {
  /**
   * Punches not returned before, every one exactly once across runs (late uploads
   * included). Pass the `state` text of the previous batch (none for the first run), store
   * the new `state` once the punches are safely kept. `complete` is false when `max` cut
   * the batch short: call again. `since` (first run only, no `state`): a `Date` or text
   * (`'2024-06-01'`, server-local, or ISO 8601 with an offset); punches timed before it are
   * never returned.
   */
  async sync(state, options = {}) {
    const { client } = INTERNAL.get(this);
    if (state !== undefined && state !== null && typeof state !== 'string') {
      throw invalid('sync state must be the `state` text of a previous batch');
    }
    const { max, since } = options ?? {};
    if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {
      throw invalid('`max` must be a positive integer');
    }
    let sinceText;
    if (since instanceof Date) {
      sinceText = dateText(since, '`since`');
    } else if (typeof since === 'string') {
      sinceText = since;
    } else if (since !== undefined && since !== null) {
      throw invalid('`since` must be a Date or text (YYYY-MM-DD [HH:MM:SS])');
    }
    return settle(() => client.sync(state ?? undefined, max, sinceText));
  }

  /**
   * Downloads the server-rendered export of the punches the filters select into the file
   * `path` (text or a `file:` URL), streamed to disk; resolves to the bytes written.
   * `options`: `format` (`'csv'`, the default, `'txt'` or `'xls'`) and the list's filters
   * (`emp_code`, `start_time` as text or a `Date`, ...). The file is written as
   * `<path>.part` and renamed when complete: a failure leaves no file.
   */
  async exportFile(path, options = {}) {
    const { client } = INTERNAL.get(this);
    const file = path instanceof URL ? require('node:url').fileURLToPath(path) : path;
    if (typeof file !== 'string' || file === '') {
      throw invalid('exportFile `path` must be a file path (text or a file: URL)');
    }
    const { format = 'csv', ...filters } = plain(options, 'exportFile options') ?? {};
    if (typeof format !== 'string') throw invalid('exportFile `format` must be csv, txt or xls');
    return settle(() => client.exportFile(file, format, filters));
  }
  };

/**
 * Adds the resource's actions (the spec's `x-action`, e.g. `resigns.reinstate(body)`): each
 * sends its body and resolves to the server's JSON answer. An action whose body is one list
 * of ids (`ids`: the field) also takes the bare list: `reinstate([3, 4])`.
 */
function withActions(resource, actions, ids) {
  for (const action of actions) {
    Object.defineProperty(resource, action, {
      enumerable: false,
      value: async (body) => {
        const { client, name } = INTERNAL.get(resource);
        if (Array.isArray(body) && Object.hasOwn(ids, action)) body = { [ids[action]]: body };
        const text = await settle(() => client.action(name, action, plain(body, `${name}.${action} body`) ?? {}));
        return JSON.parse(text);
      },
    });
  }
  return resource;
}

/**
 * Resources with hand-written operations beyond list / get / write, as mixins over the class
 * the spec gives them (punches: list, get and delete, plus `sync`).
 */
const RESOURCE_CLASSES = Object.freeze({ transactions: withSync });

/** The class a resource of the generated table gets (made once per resource). */
const CLASSES = new Map(
  RESOURCES.map((r) => {
    const base = r.upsert
      ? UpsertableResource
      : r.write
        ? WritableResource
        : r.delete
          ? DeletableResource
          : r.get
            ? Resource
            : ListResource;
    return [r.name, RESOURCE_CLASSES[r.name]?.(base) ?? base];
  }),
);

/** The punches' class (for `instanceof`). */
const Transactions = CLASSES.get('transactions');

/**
 * A ZKBio Time API client.
 *
 *     const client = new Client({ baseUrl: 'http://10.0.0.5:8097', username, password });
 *     for await (const e of client.employees.list({ department: 1 })) console.log(e.emp_code);
 *
 * Holds no open handles: a script ends when its work is done.
 */
class Client {
  #native;

  constructor(options, derived) {
    if (options === DERIVED) {
      this.#native = derived;
    } else {
      const settings = nativeOptions(options);
      try {
        this.#native = call(() => new native.NativeClient(settings));
      } catch (e) {
        throw withOptionNames(e);
      }
    }
    for (const { name, actions, ids } of RESOURCES) {
      const Class = CLASSES.get(name);
      this[name] = withActions(new Class(this.#native, name), actions, ids);
    }
    Object.freeze(this);
  }

  /** The server's base URL (no trailing slash). */
  get baseUrl() {
    return this.#native.baseUrl;
  }

  /** The server's IANA zone, when given: times are then zone-aware. */
  get timezone() {
    return this.#native.timezone ?? undefined;
  }

  /** Logs in now (normally the first request does); rejects with `AuthenticationError`. */
  async login() {
    await settle(() => this.#native.login());
  }

  /**
   * Any API request, through the client's auth, retries (not for POST) and errors:
   *
   *     const page = await client.request('GET', '/att/api/transactionReport/', {
   *       params: { page: 1, page_size: 10 },
   *     });
   *
   * `method`: GET, POST, PUT, PATCH or DELETE; `path`: starts with `/`, no query string;
   * `params`: query parameters (string or number values); `json`: a body, sent as
   * `JSON.stringify` writes it. Resolves to the answer as `JSON.parse` reads it (`null`
   * for an empty answer).
   */
  async request(method, path, options = {}) {
    if (typeof method !== 'string') throw invalid('request `method` must be a string');
    if (typeof path !== 'string') throw invalid('request `path` must be a string');
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw invalid('request options must be an object: { params, json }');
    }
    for (const key of Object.keys(options)) {
      if (key !== 'params' && key !== 'json') {
        throw invalid(`unknown request option \`${key}\` (known: params, json)`);
      }
    }
    const params = queryPairs(options.params);
    const json = jsonText(options.json);
    const text = await settle(() => this.#native.request(method, path, params, json));
    return JSON.parse(text);
  }

  /**
   * This client with other limits for the calls made through the returned one (the same
   * session, token and connections):
   *
   *     const quick = client.withOptions({ timeoutMs: 2000, retries: 0, signal });
   *     await quick.employees.get(1);
   *
   * `timeoutMs` bounds each call, its login, retries and the waits between them included
   * (a list: each page), and fails it with `TimeoutError`; `retries`: attempts after the
   * first (0: never retry); `signal`: an `AbortSignal`; once it aborts, every call made
   * through the returned client rejects with the signal's reason and lists stop reading
   * ahead (a request already on the wire ends in the background, within its timeout).
   */
  withOptions(options) {
    const { timeoutMs, retries, signal, ...rest } = plain(options, 'withOptions options') ?? {};
    const unknown = Object.keys(rest);
    if (unknown.length > 0) {
      throw invalid(`unknown withOptions option \`${unknown[0]}\` (known: timeoutMs, retries, signal)`);
    }
    const count = (value, name, min) => {
      if (value === undefined || value === null) return undefined;
      if (!Number.isInteger(value) || value < min || value > 0xffffffff) {
        throw invalid(`\`${name}\` must be an integer from ${min} to 4294967295, got ${inspect(value)}`);
      }
      return value;
    };
    const timeout = count(timeoutMs, 'timeoutMs', 1);
    const attempts = count(retries, 'retries', 0);
    if (signal !== undefined && signal !== null && !(signal instanceof AbortSignal)) {
      throw invalid('`signal` must be an AbortSignal');
    }
    let derived = call(() => this.#native.withOptions(timeout, attempts));
    if (signal) derived = abortable(derived, signal);
    return new Client(DERIVED, derived);
  }

  /**
   * Any attendance report by name (`/att/api/<name>/`, e.g. `'dailyAttendanceReport'`),
   * read like a list: `for await (const row of client.report(name, { start_date, ... }))`.
   * Rows are plain objects keyed as the server wrote them; `params` are the report's own
   * (string or number values); paging is the client's. Same `RecordList` as `list()`:
   * `total()`, `pages()`, `toArray()`.
   */
  report(name, params = {}) {
    if (typeof name !== 'string') throw invalid('report `name` must be a string');
    const pairs = queryPairs(params) ?? [];
    const native = this.#native;
    // A RecordList opens its cursor with `list(resource, filters)`: here, the report's.
    const opener = { list: () => native.report(name, pairs) };
    return new RecordList(opener, `report ${name}`, undefined);
  }

  /**
   * What kind of server this is, as far as its answers tell (a few small requests):
   * `{ docs_title, version, employee_shape, resign_api, envelope_key, page_size_param }`,
   * each `null` when it could not be told.
   */
  async serverInfo() {
    return settle(() => this.#native.serverInfo());
  }

  toString() {
    return `Client(${this.baseUrl})`;
  }

  [inspect.custom]() {
    return this.toString();
  }
}

/**
 * IN or OUT for each punch (records from `transactions.list`, `sync`, ...), in order:
 * `'in'`, `'out'` or `null` when the rule cannot tell. `by`: `'state'` (the punch state
 * code, the default), `'terminal'` (with `terminals`: serial number or alias → `'in'` /
 * `'out'`) or `'alternate'` (IN, OUT, ... per employee and day: pass whole days). Decided
 * by the core.
 */
function directions(punches, options = {}) {
  if (!Array.isArray(punches)) throw invalid('`punches` must be an array of Transaction records');
  const { by = 'state', terminals } = options ?? {};
  // The rule's name is checked by the core (one message in every language).
  if (typeof by !== 'string') throw invalid('`by` must be state, terminal or alternate');
  let map;
  if (terminals !== undefined && terminals !== null) {
    if (typeof terminals !== 'object' || Array.isArray(terminals)) {
      throw invalid('`terminals` must be an object: serial number or alias → "in" / "out"');
    }
    map = terminals instanceof Map ? Object.fromEntries(terminals) : { ...terminals };
  }
  return call(() => native.directions(punches, by, map));
}

module.exports = {
  directions,
  Client,
  RecordList,
  ListResource,
  Resource,
  DeletableResource,
  WritableResource,
  UpsertableResource,
  Transactions,
};
