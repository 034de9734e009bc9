"""Fixtures: sandbox servers (the project's ZKBio Time emulator) on random loopback ports.

`cargo xtask test` builds the sandbox and points ZKBIO_SANDBOX_BIN at it; run by hand,
the debug build in the workspace's target dir is used.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

import pytest

import zkbiotime

ROOT = Path(__file__).resolve().parents[3]
USER, PASSWORD = "admin", "admin123"


def sandbox_bin() -> str:
    env = os.environ.get("ZKBIO_SANDBOX_BIN")
    if env:
        return env
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    path = target / "debug" / "zkbiotime-sandbox"
    if not path.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "zkbiotime-sandbox"], cwd=ROOT, check=True)
    return str(path)


class Sandbox:
    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sandbox_bin(), "--listen", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline().strip()
        if not first.startswith("listening on "):
            self.proc.kill()
            raise RuntimeError(f"sandbox did not start: {first!r}")
        self.url = first.removeprefix("listening on ")
        # Keep draining stdout so the server never blocks on a full pipe.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()

    def client(self, **kwargs: object) -> zkbiotime.Client:
        kwargs.setdefault("username", USER)
        kwargs.setdefault("password", PASSWORD)
        return zkbiotime.Client(self.url, **kwargs)  # type: ignore[arg-type]

    def async_client(self, **kwargs: object) -> zkbiotime.AsyncClient:
        kwargs.setdefault("username", USER)
        kwargs.setdefault("password", PASSWORD)
        return zkbiotime.AsyncClient(self.url, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture(scope="session")
def demo() -> Iterator[Sandbox]:
    """The manual's demo data plus 50 generated employees punching for 3 days (read-mostly:
    tests that write use their own codes and clean up)."""
    s = Sandbox("--employees", "50", "--days", "3")
    yield s
    s.stop()


@pytest.fixture
def fresh() -> Iterator[Callable[..., Sandbox]]:
    """A factory of private sandboxes (for writes, faults, big data), stopped afterwards."""
    started: list[Sandbox] = []

    def make(*args: str) -> Sandbox:
        s = Sandbox(*args)
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


@pytest.fixture
def client(demo: Sandbox) -> Iterator[zkbiotime.Client]:
    with demo.client() as c:
        yield c
