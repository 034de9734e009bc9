"""The Python runner of the cross-language scenarios (tests/scenarios/README.md).

    python tests/scenario_runner.py MANIFEST RESULTS

Replays every step of each scenario against its sandbox through the public `zkbiotime` API
(the same calls a user makes) and writes each step's outcome to RESULTS (JSON lines). It
checks nothing: `cargo xtask scenarios` applies the expectations. Records are written in the
server's JSON shape: `to_dict()` with custom attributes at the top level and times as the
server's text.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sys
import tempfile
import traceback
from typing import IO, Any, Optional

import zkbiotime
from generated.scenario_records import RECORD_OF  # from the spec (cargo xtask codegen)


# The generic operations of a resource: never an `action`.
OPS = {"get", "list", "page", "create", "update", "delete", "upsert", "sync"}

# A whole string `"$name"` in `fields`: the id saved as `name`.
SAVED_REF = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


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
        self.client: Optional[zkbiotime.Client] = None
        self.saved: dict[str, int] = {}
        self.states: dict[str, Optional[str]] = {}

    def step(self, step: dict[str, Any]) -> Any:
        """Runs one step (its client, the call, the id to save) and returns its result."""
        client_opt = step.get("client")
        if isinstance(client_opt, dict):
            self.client = build_client(self.url, {**self.base, **client_opt})
        elif client_opt != "same" or self.client is None:
            self.client = build_client(self.url, self.base)
        value = self.call(step)
        # An upsert's record is inside its result.
        record = value.get("record") if step.get("op") == "upsert" else value
        if isinstance(record, dict) and "save" in step and record.get("id") is not None:
            self.saved[step["save"]] = record["id"]
        return value

    def id(self, step: dict[str, Any]) -> int:
        raw = step.get("id")
        if isinstance(raw, str):
            if raw.lstrip("$") not in self.saved:
                raise ValueError(f"no saved id {raw}")
            return self.saved[raw.lstrip("$")]
        if raw is None:
            raise ValueError("step has no id")
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
        assert c is not None
        if op == "sync":
            name = step.get("state", "default")
            state = self.states.get(name)
            new = 0
            since = step.get("since") if state is None else None
            while True:
                batch = c.transactions.sync(state, max=1000, since=since)
                since = None
                new += len(batch.punches)
                state = batch.state
                if batch.complete:
                    break
            self.states[name] = state
            return {"new": new}
        filters = step.get("filters", {})
        if op == "report":
            rows = c.report(step.get("name", ""), **step.get("params", {}))
            return [plain(dict(row)) for row in rows]
        if op == "directions":
            punches = list(c.transactions.list(**filters))
            found = zkbiotime.directions(punches, step.get("by", "state"), step.get("terminals"))
            return {"in": found.count("in"), "out": found.count("out"), "none": found.count(None)}
        if op == "export":
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "export")
                written = c.transactions.export_file(path, step.get("format", "csv"), **filters)
                with open(path, "rb") as f:
                    text = f.read().decode("utf-8", "replace")
            lines = [line.strip() for line in text.split("\n") if line.strip()]
            return {"bytes": written, "lines": len(lines), "header": lines[0] if lines else None}
        resource = getattr(c, step.get("resource", ""))
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
            return {"created": created, "record": to_json(record)}
        raise ValueError(f"unknown op {op}")


def error_of(e: BaseException) -> dict[str, Any]:
    """A step's error as the checker reads it."""
    if isinstance(e, zkbiotime.ZKBioTimeError):
        kind = e.kind
    elif isinstance(e, (TypeError, ValueError)):
        kind = "invalid_argument"  # refused before any request
    else:
        kind = "runner"  # a fault of this runner, not an outcome of the API
    detail = "".join(traceback.format_exception_only(type(e), e)).strip()
    return {
        "kind": kind,
        "status": getattr(e, "status_code", None),
        "detail": detail,
        "field_errors": getattr(e, "field_errors", None) or {},
    }


def run_scenario(name: str, scenario: dict[str, Any], url: str, out: IO[str]) -> None:
    runner = Runner(url, scenario.get("client", {}))
    steps = scenario.get("steps", [])
    for i, step in enumerate(steps, start=1):
        line: dict[str, Any] = {"scenario": name, "step": i}
        try:
            line.update(ok=True, result=runner.step(step))
        except Exception as e:  # noqa: BLE001 - every failure is the step's outcome
            line.update(ok=False, error=error_of(e))
        out.write(json.dumps(line, default=str) + "\n")
        out.flush()
    print(f"python {name}: {len(steps)} steps run", file=sys.stderr)


def main(manifest_path: str, results_path: str) -> None:
    with open(manifest_path) as f:
        manifest = json.load(f)
    with open(results_path, "w") as out:
        for entry in manifest:
            try:
                with open(entry["scenario"]) as f:
                    scenario = json.load(f)
            except (OSError, ValueError) as e:
                line = {"scenario": entry["scenario"], "error": f"{entry['scenario']}: {e}"}
                out.write(json.dumps(line) + "\n")
                continue
            run_scenario(scenario.get("name", entry["scenario"]), scenario, entry["url"], out)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: scenario_runner.py MANIFEST RESULTS")
    main(sys.argv[1], sys.argv[2])
