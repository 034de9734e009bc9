'use strict';
// The error classes, one per `zkbiotime::ErrorKind`. The addon reports an error as tagged
// JSON in a message (a napi error carries nothing else); `fromNative` turns that into an
// instance of the right class. Anything else the addon throws (a Rust panic, a value of the
// wrong type) becomes a plain `ZKBioTimeError`, so `instanceof ZKBioTimeError` catches all.

const TAG = '\u0001zkbiotime-error\u0001';

class ZKBioTimeError extends Error {
  /**
   * @param {string} message
   * @param {object} [info] kind, status, method, path, detail, fieldErrors, retryAfterMs, cause
   */
  constructor(message, info = {}) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = new.target.name;
    /** Stable snake_case kind (`not_found`, ...), the same in every language. */
    this.kind = info.kind || 'internal';
    /** HTTP status when the server answered. */
    this.status = info.status ?? undefined;
    this.method = info.method ?? undefined;
    this.path = info.path ?? undefined;
    /** The server's `detail`, or a short description of what went wrong. */
    this.detail = info.detail ?? message;
    /** Per-field messages of a 400 answer (`non_field_errors` included). */
    this.fieldErrors = info.fieldErrors || {};
    /** How long the server asked to wait (429), or the login cool-down left. */
    this.retryAfterMs = info.retryAfterMs ?? undefined;
  }
}

/** 401, or the server rejected the username or password. */
class AuthenticationError extends ZKBioTimeError {}
/** A login refused locally: the password was rejected moments ago (no request was sent). */
class LoginCooldownError extends AuthenticationError {}
/** 403: the account may not do this. */
class PermissionError extends ZKBioTimeError {}
/** 403 from the licence gate: the licence lacks the API module; `auth: 'basic'` may pass. */
class LicenceError extends PermissionError {}
/** 404: no such record (or page). */
class NotFoundError extends ZKBioTimeError {}
/** 400: the server rejected the values; see `fieldErrors`. */
class BadRequestError extends ZKBioTimeError {}
/** 5xx, 429 and other error statuses (after retries). */
class ServerError extends ZKBioTimeError {}
/** The connection failed or broke (refused, reset, DNS, TLS). */
class TransportError extends ZKBioTimeError {}
/** Connecting or the whole request took longer than `timeoutMs`. */
class TimeoutError extends ZKBioTimeError {}
/** The server answered something that is not the API's JSON (an HTML page, a broken body). */
class UnexpectedResponseError extends ZKBioTimeError {}
/** The caller passed something unusable (an unknown filter or field, a bad option). */
class InvalidArgumentError extends ZKBioTimeError {}

const BY_KIND = {
  authentication: AuthenticationError,
  login_cooldown: LoginCooldownError,
  permission: PermissionError,
  licence: LicenceError,
  not_found: NotFoundError,
  bad_request: BadRequestError,
  server: ServerError,
  transport: TransportError,
  timeout: TimeoutError,
  unexpected_response: UnexpectedResponseError,
  invalid_argument: InvalidArgumentError,
};

// napi's own argument checks (a string where a number belongs, ...).
const NAPI_ARGUMENT_CODES = new Set([
  'InvalidArg',
  'ObjectExpected',
  'StringExpected',
  'NameExpected',
  'FunctionExpected',
  'NumberExpected',
  'BooleanExpected',
  'ArrayExpected',
  'BigintExpected',
  'DateExpected',
]);

/** Any error the addon threw → an instance of the matching class. */
/** Marks the reason of an aborted call (`withOptions({ signal })`): thrown as it is. */
const ABORTED = Symbol('zkbiotime.aborted');

/** What an aborted call throws: the signal's reason, whatever it is, carried past `fromNative`. */
function aborted(signal) {
  return { [ABORTED]: signal.reason };
}

function fromNative(error) {
  if (error !== null && typeof error === 'object' && ABORTED in error) return error[ABORTED];
  if (error instanceof ZKBioTimeError) return error;
  const message = error && typeof error.message === 'string' ? error.message : String(error);
  const at = message.indexOf(TAG);
  if (at >= 0) {
    let info;
    try {
      info = JSON.parse(message.slice(at + TAG.length));
    } catch {
      info = { kind: 'internal', message };
    }
    const Class = BY_KIND[info.kind] || ZKBioTimeError;
    const err = new Class(info.message || info.detail || 'zkbiotime error', info);
    return err;
  }
  if (error && NAPI_ARGUMENT_CODES.has(error.code)) {
    return new InvalidArgumentError(`invalid argument: ${message}`, {
      kind: 'invalid_argument',
      detail: message,
      cause: error,
    });
  }
  // A Rust panic or another fault inside the addon: reported, never a crash.
  return new ZKBioTimeError(`internal error in the zkbiotime addon: ${message}`, {
    kind: 'internal',
    detail: message,
    cause: error,
  });
}

/** A caller mistake found in JS, before the addon is asked. */
function invalid(detail) {
  return new InvalidArgumentError(`invalid argument: ${detail}`, {
    kind: 'invalid_argument',
    detail,
  });
}

module.exports = {
  aborted,
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
  fromNative,
  invalid,
};
