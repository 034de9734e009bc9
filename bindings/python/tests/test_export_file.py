"""transactions.export_file: the server-side export streamed to a file (sync and async)."""

from __future__ import annotations

import asyncio
import datetime
from pathlib import Path

import pytest

import zkbiotime
from conftest import Sandbox


def rows(path: Path, sep: str) -> list[list[str]]:
    data = path.read_bytes()
    assert data.endswith(b"\r\n"), "CRLF lines (D80's sample)"
    return [line.split(sep) for line in data.decode().split("\r\n") if line]


def test_csv_has_one_row_per_listed_punch(demo: Sandbox, tmp_path: Path) -> None:
    with demo.client(page_size=100) as c:
        out = tmp_path / "all.csv"
        written = c.transactions.export_file(out)  # csv by default
        assert written == out.stat().st_size
        table = rows(out, ",")
        assert table[0][:2] == ["id", "emp_code"] and table[0][-1] == "upload_time"
        listed = [str(p.id) for p in c.transactions.list()]
        assert [r[0] for r in table[1:]] == listed
        assert len(listed) > 100
        assert not (tmp_path / "all.csv.part").exists()


def test_txt_and_a_filter_narrow_like_the_list(demo: Sandbox, tmp_path: Path) -> None:
    with demo.client() as c:
        out = tmp_path / "one.txt"
        c.transactions.export_file(str(out), format="txt", emp_code="1")
        table = rows(out, "\t")
        assert len(table[0]) == len(table[1])
        got = [r[0] for r in table[1:]]
        assert got == [str(p.id) for p in c.transactions.list(emp_code="1")]
        assert got and all(r[1] == "1" for r in table[1:])
        assert len(got) < len(c.transactions.list())

        # Filter times convert like the list's: a naive datetime is server-local.
        start = datetime.datetime(2024, 6, 24, 0, 0)
        end = datetime.datetime(2024, 6, 24, 12, 0)
        window = tmp_path / "window.csv"
        c.transactions.export_file(window, "csv", start_time=start, end_time=end)
        expected = [str(p.id) for p in c.transactions.list(start_time=start, end_time=end)]
        assert [r[0] for r in rows(window, ",")[1:]] == expected


def test_async_export_and_xls(demo: Sandbox, tmp_path: Path) -> None:
    async def main() -> tuple[int, int]:
        async with demo.async_client() as c:
            out = tmp_path / "all.xls"
            written = await c.transactions.export_file(out, format="xls", terminal_sn="BOCK194960001")
            listed = [p async for p in c.transactions.list(terminal_sn="BOCK194960001")]
            assert written == out.stat().st_size
            return out.read_text().count("<tr>"), len(listed)

    rows_, listed = asyncio.run(main())
    assert listed > 0 and rows_ == listed + 1


def test_bad_arguments_are_refused_before_sending(demo: Sandbox, tmp_path: Path) -> None:
    with demo.client() as c:
        with pytest.raises(zkbiotime.InvalidArgumentError, match="csv, txt, xls"):
            c.transactions.export_file(tmp_path / "x.pdf", format="pdf")
        with pytest.raises(TypeError, match="emp"):
            c.transactions.export_file(tmp_path / "x.csv", emp="1")
    assert list(tmp_path.iterdir()) == []


def test_a_server_error_leaves_no_file(fresh, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--faults", "500=1")
    old = tmp_path / "old.csv"
    old.write_text("yesterday's export")
    with s.client(retries=0) as c:
        with pytest.raises(zkbiotime.ServerError) as e:
            c.transactions.export_file(tmp_path / "new.csv")
        assert e.value.status_code == 500
        with pytest.raises(zkbiotime.ServerError):
            c.transactions.export_file(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.csv"]
    assert old.read_text() == "yesterday's export"
