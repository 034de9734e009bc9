"""The Python runner of the cross-language scenarios (tests/scenarios/README.md).

    python scenarios.py MANIFEST RESULTS

Replays each scenario against its sandbox through the public `zkbiotime` API (the same calls
a user makes) and writes pass / fail per scenario. Records are compared in the server's JSON
shape: `to_dict()` with custom attributes at the top level and times as the server's text.
"""

from __future__ import annotations

import datetime
import json
import re
import sys
from typing import Any, Optional

import zkbiotime

RECORD_OF = {
    "employees": zkbiotime.EmployeeWritten,
    "departments": zkbiotime.Department,
    "areas": zkbiotime.AreaWritten,
    "positions": zkbiotime.Position,
    "resigns": zkbiotime.Resign,
}

# The generic operations of a resource: never an `action`.
OPS = {"get", "list", "page", "create", "update", "delete", "upsert", "sync"}

# A whole string `"$name"` in `fields`: the id saved as `name`.
SAVED_REF = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class Failure(Exception):
    pass


def build_client(url: str, options: dict[str, Any]) -> zkbiotime.Client:
    auth = options.get("auth", "password")
    kwargs: dict[str, Any] = {}
    if auth == "jwt":
        kwargs.update(username="admin", password="admin123", jwt=True)
    elif auth == "token":
        kwargs.update(token=options.get("token", ""))
    elif auth in ("basic", "staff_token", "staff_jwt"):
        kwargs.update(username="admin", password="admin123", auth=auth)
    elif auth == "wrong_password":
        kwargs.update(username="admin", password="wrong-password")
    else:
        kwargs.update(username="admin", password="admin123")
    if "page_size" in options:
        kwargs["page_size"] = int(options["page_size"])
    if "retries" in options:  # max attempts in the scenario format
        kwargs["retries"] = max(int(options["retries"]) - 1, 0)
    if "timeout_s" in options:  # connect and request timeout
        kwargs["timeout"] = float(options["timeout_s"])
        kwargs["connect_timeout"] = float(options["timeout_s"])
    if "strict" in options:
        kwargs["strict"] = bool(options["strict"])
    return zkbiotime.Client(url, **kwargs)


def plain(value: Any) -> Any:
    """A record's value in the server's JSON shape."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        extra = value.pop("extra", None) or {}
        out = {k: plain(v) for k, v in value.items()}
        out.update({k: plain(v) for k, v in extra.items()})
        return out
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def to_json(record: Any) -> Any:
    return plain(record.to_dict())


def split_fields(resource: str, fields: dict[str, Any]) -> dict[str, Any]:
    """API field names as keyword arguments; anything else is a custom attribute."""
    record = RECORD_OF.get(resource)
    known = {k: v for k, v in fields.items() if record is not None and hasattr(record, k)}
    extra = {k: v for k, v in fields.items() if k not in known}
    return {**known, "extra": extra} if extra else known


class Runner:
    def __init__(self, url: str, base: dict[str, Any]) -> None:
        self.url = url
        self.base = base
        self.client = build_client(url, base)
        self.saved: dict[str, int] = {}
        self.states: dict[str, Optional[str]] = {}

    def step(self, step: dict[str, Any]) -> None:
        client_opt = step.get("client")
        if isinstance(client_opt, dict):
            self.client = build_client(self.url, {**self.base, **client_opt})
        elif client_opt != "same":
            self.client = build_client(self.url, self.base)
        expect = step.get("expect", {})
        try:
            value = self.call(step)
        except (zkbiotime.ZKBioTimeError, TypeError, ValueError) as e:
            if "error" not in expect:
                raise Failure(f"unexpected error: {e!r}") from e
            check_error(e, expect)
            return
        if "error" in expect:
            raise Failure(f"expected a {expect['error']} error, got {value!r}")
        if isinstance(value, dict) and "save" in step and value.get("id") is not None:
            self.saved[step["save"]] = value["id"]
        check_value(value, expect)

    def id(self, step: dict[str, Any]) -> int:
        raw = step.get("id")
        if isinstance(raw, str):
            return self.saved[raw.lstrip("$")]
        if raw is None:
            raise Failure("step has no id")
        return int(raw)

    def substitute(self, value: Any) -> Any:
        """`fields` with every `"$name"` (at any depth, lists included) as the saved id."""
        if isinstance(value, str):
            m = SAVED_REF.fullmatch(value)
            if m is None:
                return value
            if m.group(1) not in self.saved:
                raise ValueError(f"no saved id {value}")
            return self.saved[m.group(1)]
        if isinstance(value, list):
            return [self.substitute(v) for v in value]
        if isinstance(value, dict):
            return {k: self.substitute(v) for k, v in value.items()}
        return value

    def call(self, step: dict[str, Any]) -> Any:
        op = step.get("op")
        c = self.client
        if op == "sync":
            name = step.get("state", "default")
            state = self.states.get(name)
            new = 0
            while True:
                batch = c.transactions.sync(state, max=1000)
                new += len(batch.punches)
                state = batch.state
                if batch.complete:
                    break
            self.states[name] = state
            return {"new": new}
        resource = getattr(c, step.get("resource", ""))
        filters = step.get("filters", {})
        fields = self.substitute(step.get("fields", {}))
        if op == "action":
            # The resource's actions (the spec's x-action), by method name: the body as
            # keyword arguments, the answer the server's JSON.
            action = step.get("action", "")
            method = getattr(resource, action, None)
            if action in OPS or action.startswith("_") or not callable(method):
                raise ValueError(f"no action {action!r} on {step.get('resource')!r}")
            return method(**fields)
        if op == "get":
            return to_json(resource.get(self.id(step)))
        if op == "list":
            return [to_json(r) for r in resource.list(**filters)]
        if op == "page":
            p = resource.page(step.get("page", 1), **filters)
            return {"count": p.count, "items": len(p), "has_next": p.has_next}
        if op == "create":
            return to_json(resource.create(**split_fields(step["resource"], fields)))
        if op == "update":
            return to_json(resource.update(self.id(step), **split_fields(step["resource"], fields)))
        if op == "delete":
            resource.delete(self.id(step))
            return None
        if op == "upsert":
            if not hasattr(resource, "upsert"):  # e.g. resigns: no code to upsert by
                raise ValueError(f"upsert is not possible on {step['resource']}")
            record, created = resource.upsert(**split_fields(step["resource"], fields))
            return {**to_json(record), "created": created}
        raise Failure(f"unknown op {op}")


def kind_of(e: BaseException) -> str:
    if isinstance(e, zkbiotime.ZKBioTimeError):
        return e.kind
    return "invalid_argument"  # TypeError / ValueError: refused before any request


def check_error(e: BaseException, expect: dict[str, Any]) -> None:
    if kind_of(e) != expect["error"]:
        raise Failure(f"expected {expect['error']}, got {kind_of(e)} ({e})")
    status = getattr(e, "status_code", None)
    if "status" in expect and status != expect["status"]:
        raise Failure(f"expected status {expect['status']}, got {status}")
    field_errors = getattr(e, "field_errors", {})
    for field in expect.get("field_errors", []):
        if not field_errors.get(field):
            raise Failure(f"no message for field {field}: {field_errors}")


def check_value(value: Any, expect: dict[str, Any]) -> None:
    for k, want in expect.get("fields", {}).items():
        if value.get(k) != want:
            raise Failure(f"{k}: expected {want!r}, got {value.get(k)!r}")
    for key in ["created", "count", "items", "has_next", "new"]:
        if key in expect and value.get(key) != expect[key]:
            raise Failure(f"{key}: expected {expect[key]!r}, got {value.get(key)!r}")
    if "min_new" in expect and value.get("new", 0) < expect["min_new"]:
        raise Failure(f"new: expected at least {expect['min_new']}, got {value.get('new')}")
    if isinstance(value, list):
        if "records" in expect and len(value) != expect["records"]:
            raise Failure(f"expected {expect['records']} records, got {len(value)}")
        if "min_records" in expect and len(value) < expect["min_records"]:
            raise Failure(f"expected at least {expect['min_records']} records, got {len(value)}")
        if expect.get("unique_ids"):
            ids = [r["id"] for r in value]
            if len(set(ids)) != len(ids):
                raise Failure(f"{len(ids) - len(set(ids))} duplicate ids")
        for r in value:
            for k, want in expect.get("all", {}).items():
                got = r.get(k)
                if got is None and k == "area_name":  # terminals nest their area
                    got = (r.get("area") or {}).get("area_name")
                if got != want:
                    raise Failure(f"record {r.get('id')}: {k} is {got!r}, expected {want!r}")


def run_scenario(scenario: dict[str, Any], url: str) -> None:
    runner = Runner(url, scenario.get("client", {}))
    for i, step in enumerate(scenario.get("steps", []), start=1):
        try:
            runner.step(step)
        except Failure as why:
            raise Failure(f"step {i} ({step.get('op')}): {why}") from None
        except Exception as e:  # noqa: BLE001 - a crash of one step fails the scenario
            raise Failure(f"step {i} ({step.get('op')}): {e!r}") from None


def main(manifest_path: str, results_path: str) -> None:
    with open(manifest_path) as f:
        manifest = json.load(f)
    results: dict[str, dict[str, Any]] = {}
    for entry in manifest:
        with open(entry["scenario"]) as f:
            scenario = json.load(f)
        name = scenario.get("name", entry["scenario"])
        try:
            run_scenario(scenario, entry["url"])
            results[name] = {"pass": True, "detail": ""}
            print(f"python {name}: pass", file=sys.stderr)
        except Failure as why:
            results[name] = {"pass": False, "detail": str(why)}
            print(f"python {name}: FAIL: {why}", file=sys.stderr)
    with open(results_path, "w") as f:
        json.dump({"language": "python", "results": results}, f, indent=2)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: scenarios.py MANIFEST RESULTS")
    main(sys.argv[1], sys.argv[2])
