'use strict';
// zkbiotime for Node.js: a client for the ZKBio Time 9.0 (BioTime) API.
//
// The package is a native addon (the Rust `zkbiotime` core, built with napi-rs) and a
// thin wrapper that gives it an idiomatic JS face. `lib/native.js` finds the addon for
// this platform; `lib/client.js` and `lib/errors.js` are the public API.

const {
  Client,
  directions,
  RecordList,
  ListResource,
  Resource,
  DeletableResource,
  WritableResource,
  UpsertableResource,
  Transactions,
} = require('./lib/client.js');
const errors = require('./lib/errors.js');

exports.Client = Client;
/** The package's version (the same for every zkbiotime package). */
exports.version = require('./package.json').version;
/** What the codes of `record.field` mean: `labels('Transaction', 'punch_state')['0']` is 'Check In'. */
exports.labels = (record, field) => require('./lib/native.js').labels(String(record), String(field));
/** IN or OUT per punch: `directions(punches, { by: 'state' | 'terminal' | 'alternate', terminals })`. */
exports.directions = directions;
exports.RecordList = RecordList;
exports.ListResource = ListResource;
exports.Resource = Resource;
exports.DeletableResource = DeletableResource;
exports.WritableResource = WritableResource;
exports.UpsertableResource = UpsertableResource;
exports.Transactions = Transactions;
exports.ZKBioTimeError = errors.ZKBioTimeError;
exports.AuthenticationError = errors.AuthenticationError;
exports.LoginCooldownError = errors.LoginCooldownError;
exports.PermissionError = errors.PermissionError;
exports.LicenceError = errors.LicenceError;
exports.NotFoundError = errors.NotFoundError;
exports.BadRequestError = errors.BadRequestError;
exports.ServerError = errors.ServerError;
exports.TransportError = errors.TransportError;
exports.TimeoutError = errors.TimeoutError;
exports.UnexpectedResponseError = errors.UnexpectedResponseError;
exports.InvalidArgumentError = errors.InvalidArgumentError;
