"""The package identifies itself (User-Agent, version) and logs through Python's logging."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Callable, Iterator

import pytest

import zkbiotime
from conftest import Sandbox


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[str]]]:
    """A tiny server answering an empty employee list, recording each User-Agent."""
    agents: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            agents.append(self.headers.get("User-Agent", ""))
            body = json.dumps({"count": 0, "next": None, "previous": None, "data": []}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", agents
    finally:
        server.shutdown()


def test_user_agent_and_version(recorder: tuple[str, list[str]]) -> None:
    url, agents = recorder
    with zkbiotime.Client(url, token="t") as c:
        assert list(c.employees.list()) == []
    version = zkbiotime.__version__
    assert version.count(".") == 2
    assert agents == [f"zkbiotime-python/{version} (core {version})"]


def test_core_warnings_reach_python_logging(
    fresh: Callable[..., Sandbox], caplog: pytest.LogCaptureFixture
) -> None:
    sb = fresh("--hostile", "form_unreadable_kept")
    with caplog.at_level(logging.WARNING, logger="zkbiotime"), sb.client() as c:
        (p,) = list(c.transactions.list())
    assert p.extra["is_mask"] == "maybe"
    records = [r for r in caplog.records if r.name.startswith("zkbiotime")]
    assert records, "the decoding policy's warning reaches logging.getLogger('zkbiotime')"
    assert any("is_mask" in r.getMessage() for r in records), [r.getMessage() for r in records]
    assert all("token" not in r.getMessage().lower() for r in records)
