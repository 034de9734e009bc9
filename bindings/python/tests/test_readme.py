"""The README's Python quick start, executed exactly as written (sync and async)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import Sandbox

README = Path(__file__).resolve().parents[1] / "README.md"


def quickstart_blocks() -> list[str]:
    text = README.read_text()
    section = re.search(r"<!-- python-quickstart:start -->(.*)<!-- python-quickstart:end -->", text, re.S)
    assert section, "README.md lost its quick start markers"
    return re.findall(r"```python\n(.*?)```", section.group(1), re.S)


def run_block(code: str, url: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "ZKBIO_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_there_are_two_quick_starts() -> None:
    blocks = quickstart_blocks()
    assert len(blocks) == 2
    assert "zkbiotime.Client(" in blocks[0] and "zkbiotime.AsyncClient(" in blocks[1]


def test_sync_quick_start(demo: Sandbox) -> None:
    out = run_block(quickstart_blocks()[0], demo.url)
    lines = out.splitlines()
    assert lines[0].startswith("1 Harry Department")
    assert lines[1].endswith(" punches") and int(lines[1].split()[0]) > 0
    assert "+05:00" in lines[2]  # zone-aware: the client was told Asia/Karachi
    assert lines[-1] == "404 GET /personnel/api/employees/987654/ Not found."


def test_async_quick_start(demo: Sandbox) -> None:
    out = run_block(quickstart_blocks()[1], demo.url)
    assert out.startswith("Harry Potter ZKTeco\n")
    assert "new punches; store" in out
