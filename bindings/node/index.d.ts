// Types of the `zkbiotime` package. Records, request bodies, filters and enums are generated
// from the API spec into ./generated.d.ts (`cargo xtask codegen`); this file types the
// client around them.

import type {
  ClientOptions,
  JsonValue,
  Resources,
  Transaction,
  TransactionExportType,
  TransactionFilter,
} from './generated';

export type * from './generated';

/**
 * How a username and password are used: `token` (default: traded for a DRF token), `jwt`
 * (traded for a JSON web token, renewed before it expires), `staff_token` / `staff_jwt`
 * (the staff logins), `basic` (HTTP Basic on every request, no login: passes the licence
 * gate of BioTime 8 servers whose licence lacks the API module).
 */
export type AuthScheme = 'token' | 'jwt' | 'staff_token' | 'staff_jwt' | 'basic';

/** One page of a list. */
export interface Page<T> {
  /** 1-based page number. */
  number: number;
  /** Records in the whole list (as the server counted when serving this page). */
  count: number;
  /** Records per page asked for. */
  pageSize: number;
  /** Whether the server says another page follows. */
  hasNext: boolean;
  items: T[];
}

/**
 * Every record of a list across all pages, fetched as it is read (a few pages ahead).
 * Each iteration reads the list afresh.
 */
export declare class RecordList<T> implements AsyncIterable<T> {
  private constructor();
  /** The list's total once a page was read (see `total()`). */
  readonly count: number | undefined;
  /** The total number of records; fetches the first page if none was read yet. */
  total(): Promise<number>;
  /** Every page in order. */
  pages(): AsyncGenerator<Page<T>, void, undefined>;
  /** Every record in one array (mind the memory on big lists). */
  toArray(): Promise<T[]>;
  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined>;
}

/** A resource that can be listed (a list-only one, such as a report, has no `get`). */
export declare class ListResource<T, F> {
  protected constructor();
  /** The resource's API name (`employees`, ...). */
  readonly name: string;
  /** Every record the filters select. Unknown filter names throw `InvalidArgumentError`. */
  list(filters?: F): RecordList<T>;
  /** Page `number` (1-based) of the list, with the total `count`. */
  page(number?: number, filters?: F): Promise<Page<T>>;
}

/** A resource that can be listed and read. */
export declare class Resource<T, F> extends ListResource<T, F> {
  /** One record by id; rejects with `NotFoundError` when there is none. */
  get(id: number): Promise<T>;
}

/** What `upsert` did. */
export interface Upserted<W> {
  /** True when a record was created, false when the one with the same code was updated. */
  created: boolean;
  record: W;
}

/** A resource whose records can be deleted. */
export declare class DeletableResource<T, F> extends Resource<T, F> {
  delete(id: number): Promise<void>;
}

/** A resource that can also be written. */
export declare class WritableResource<T, F, C, U, W> extends DeletableResource<T, F> {
  /** Creates a record; never retried automatically (use `upsert`, where there is one). */
  create(body: C): Promise<W>;
  /** Changes the fields present in `body` (PATCH, or PUT where the API has only that). */
  update(id: number, body: U): Promise<W>;
  /**
   * The API field names a `create` (and `upsert`) or `update` body takes; any other key
   * belongs in `extra` (custom attributes).
   */
  bodyFields(op?: 'create' | 'update'): string[];
}

/** A writable resource whose records have a code (`emp_code`, ...) to upsert by. */
export declare class UpsertableResource<T, F, C, U, W> extends WritableResource<T, F, C, U, W> {
  /** Creates the record, or updates the one with the same code. Safe to repeat. */
  upsert(body: C): Promise<Upserted<W>>;
}

/** New punches from `transactions.sync` and the state to store after them. */
export interface SyncBatch {
  /** Punches not returned before, in ascending id order. */
  punches: Transaction[];
  /** Store this text once the punches are safely kept; pass it to the next `sync`. */
  state: string;
  /** False when `max` cut the batch short: call `sync` again. */
  complete: boolean;
}

export interface SyncOptions {
  /** At most this many punches per batch. */
  max?: number;
  /**
   * First sync only (no `state`): punches timed before this are never returned. A `Date`
   * (converted with the client's `timezone`, like filter times) or server-local text,
   * `'2024-06-01'` or `'2024-06-01 08:00:00'`. With a stored `state`: an
   * `InvalidArgumentError`.
   */
  since?: Date | string;
}

/** Punches (read only), with an incremental sync. */
export declare class Transactions extends DeletableResource<Transaction, TransactionFilter> {
  /**
   * Punches not returned before, each exactly once across runs (late uploads included).
   * `state`: the `state` text of the previous batch; leave it out the first time.
   */
  sync(state?: string | null, options?: SyncOptions): Promise<SyncBatch>;
  /**
   * Downloads the server-rendered export of the punches the filters select into the file
   * `path`, streamed to disk (written as `<path>.part`, renamed when complete: a failure
   * leaves no file); resolves to the bytes written.
   */
  exportFile(path: string | URL, options?: ExportFileOptions): Promise<number>;
}

/** The format and filters of `transactions.exportFile`. */
export interface ExportFileOptions extends TransactionFilter {
  /** The file format the server renders (default `'csv'`). */
  format?: TransactionExportType;
}

/**
 * Resources with hand-written operations beyond list / get / write: the generated resource
 * types (`./generated`) use these classes for them.
 */
export interface ResourceClasses {
  transactions: Transactions;
}

/** The class of the resource named `N`: its `ResourceClasses` entry, or `Default`. */
export type ResourceClass<N extends string, Default> = N extends keyof ResourceClasses
  ? ResourceClasses[N]
  : Default;

/** The methods `client.request` sends (either case). */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The query parameters and body of `client.request`. */
export interface RequestOptions {
  /** Query parameters; `undefined` and `null` values are left out. */
  params?: Record<string, string | number | null | undefined>;
  /** The body, sent as `JSON.stringify` writes it. */
  json?: unknown;
}

/**
 * What a server tells about itself (`client.serverInfo()`): readings of its answers, not
 * declarations (no endpoint reports the version). `null`: could not be told.
 */
export interface ServerInfo {
  /** The `<title>` of the public `/api/docs/` page (e.g. "BioTime 9.5 API DOCS"). */
  docs_title: string | null;
  /** `8.0`, `8.5`, `9.0`, `9.5`, or `8.x` / `9.x`, as far as the answers tell. */
  version: string | null;
  /** `nested` (9.x: `attemployee`, nested department) or `flat` (8.x: `enable_att`, ids). */
  employee_shape: 'nested' | 'flat' | null;
  /** Whether `/personnel/api/resigns/` answers as an API (8.5, 9.5). */
  resign_api: boolean | null;
  /** The key of the record list in list answers. */
  envelope_key: 'data' | 'results' | null;
  /** The page-size parameter the server honours. */
  page_size_param: 'page_size' | 'limit' | 'both' | null;
}

/** The client's resource properties (`client.employees`, ...), generated from the spec. */
export interface Client extends Resources {}

/** The package's version (the same for every zkbiotime package). */
export declare const version: string;

/** Limits for the calls made through `client.withOptions(...)`. */
export interface CallOptions {
  /**
   * Bounds each call, its login, retries and the waits between them included (a list:
   * each page); `TimeoutError` when it runs out.
   */
  timeoutMs?: number;
  /** Attempts after the first one (0: never retry). */
  retries?: number;
  /**
   * Once aborted, every call through the client rejects with the signal's reason and lists
   * stop reading ahead (a request already sent ends in the background, within its timeout).
   */
  signal?: AbortSignal;
}

/** A ZKBio Time API client. Holds no open handles: a script ends when its work is done. */
export declare class Client {
  constructor(options: ClientOptions);
  /** The server's base URL (no trailing slash). */
  readonly baseUrl: string;
  /** The server's IANA zone, when given. */
  readonly timezone: string | undefined;
  /** Logs in now (normally the first request does). */
  login(): Promise<void>;
  /**
   * Any API request, through the client's auth, retries (not for POST) and errors.
   * `path` starts with `/` and holds no query string (give `params`). Resolves to the
   * answer as `JSON.parse` reads it (`null` for an empty answer).
   */
  request(
    method: HttpMethod | Lowercase<HttpMethod>,
    path: string,
    options?: RequestOptions,
  ): Promise<JsonValue>;
  /** What kind of server this is, as far as its answers tell (a few small requests). */
  serverInfo(): Promise<ServerInfo>;
  /**
   * This client with other limits for the calls made through the returned one (same
   * session, token and connections). See `CallOptions`.
   */
  withOptions(options: CallOptions): Client;
  /**
   * Any attendance report by name (`/att/api/<name>/`, e.g. `'dailyAttendanceReport'`),
   * read like a list; rows keyed as the server wrote them. `params` are the report's own
   * (`start_date`, `end_date`, `departments`, ...); paging is the client's.
   */
  report(name: string, params?: Record<string, string | number | undefined | null>): RecordList<Record<string, JsonValue>>;
}

/**
 * What the codes of `record.field` mean, from the spec (`labels('Transaction',
 * 'punch_state')['0']` is `'Check In'`); empty for a field without labels. Records keep the
 * code itself, so an unknown code is never lost.
 */
export declare function labels(record: string, field: string): Record<string, string>;

/** How `directions` decides. */
export type DirectionRule = 'state' | 'terminal' | 'alternate';

export interface DirectionOptions {
  /**
   * `'state'` (default): the punch state code (0, 3, 4 in; 1, 2, 5 out); `'terminal'`: from
   * `terminals`; `'alternate'`: IN, OUT, ... per employee and day (pass whole days).
   */
  by?: DirectionRule;
  /** For `by: 'terminal'`: serial number or alias → `'in'` / `'out'`. */
  terminals?: Record<string, 'in' | 'out'> | Map<string, 'in' | 'out'>;
}

/**
 * IN or OUT for each punch, in order (`null`: the rule cannot tell), e.g. for a payroll
 * import: `directions(batch.punches, { by: 'state' })`.
 */
export declare function directions(
  punches: readonly Transaction[],
  options?: DirectionOptions,
): ('in' | 'out' | null)[];

/** The kind of an error: the same names in every language of the SDK. */
export type ErrorKind =
  | 'authentication'
  | 'login_cooldown'
  | 'permission'
  | 'licence'
  | 'not_found'
  | 'bad_request'
  | 'server'
  | 'transport'
  | 'timeout'
  | 'unexpected_response'
  | 'invalid_argument'
  | 'internal';

/** Base class of every error the client throws. Its message never holds a secret. */
export declare class ZKBioTimeError extends Error {
  readonly kind: ErrorKind;
  /** The HTTP status, when the server answered. */
  readonly status: number | undefined;
  readonly method: string | undefined;
  /** The request path (without host or query string). */
  readonly path: string | undefined;
  /** The server's `detail`, or a short description of what went wrong. */
  readonly detail: string;
  /** Per-field messages of a 400 answer (`non_field_errors` included). */
  readonly fieldErrors: Record<string, string[]>;
  /** How long the server asked to wait (429), or the login cool-down left. */
  readonly retryAfterMs: number | undefined;
}
/** 401, or the server rejected the username or password. */
export declare class AuthenticationError extends ZKBioTimeError {}
/** A login refused locally because the password was rejected moments ago. */
export declare class LoginCooldownError extends AuthenticationError {}
/** 403: the account may not do this. */
export declare class PermissionError extends ZKBioTimeError {}
/** 403 from the licence gate: the licence lacks the API module; `auth: 'basic'` may pass. */
export declare class LicenceError extends PermissionError {}
/** 404: no such record. */
export declare class NotFoundError extends ZKBioTimeError {}
/** 400: the server rejected the values; see `fieldErrors`. */
export declare class BadRequestError extends ZKBioTimeError {}
/** 5xx, 429 and other error statuses (after retries). */
export declare class ServerError extends ZKBioTimeError {}
/** The connection failed or broke (refused, reset, DNS, TLS). */
export declare class TransportError extends ZKBioTimeError {}
/** Connecting or the whole request took longer than `timeoutMs`. */
export declare class TimeoutError extends ZKBioTimeError {}
/** The server answered something that is not the API's JSON. */
export declare class UnexpectedResponseError extends ZKBioTimeError {}
/** The caller passed something unusable (an unknown filter or field, a bad option). */
export declare class InvalidArgumentError extends ZKBioTimeError {}
