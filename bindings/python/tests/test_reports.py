"""client.first_last_reports: a list-only resource (no `get`) whose rows match the punches;
client.report(name): any report by name, rows as dicts."""

from __future__ import annotations

import asyncio
import datetime
from collections import Counter

import pytest
import zkbiotime
from conftest import Sandbox


def text(t: object) -> str:
    """A punch time as the server wrote it (`YYYY-MM-DD HH:MM:SS`)."""
    if isinstance(t, datetime.datetime):
        return t.strftime("%Y-%m-%d %H:%M:%S")
    return str(t)


def test_first_last_report_rows_are_each_days_first_and_last_punch(demo: Sandbox) -> None:
    with demo.client(page_size=7) as c:
        punches = [(p.emp_code, text(p.punch_time)) for p in c.transactions.list()]
        day = Counter(t[:10] for _, t in punches).most_common(1)[0][0]
        want: dict[tuple[str, str], tuple[str, str]] = {}
        for code, t in punches:
            if t[:10] != day:
                continue
            first, last = want.get((code, day), (t[11:], t[11:]))
            want[(code, day)] = (min(first, t[11:]), max(last, t[11:]))

        reports = c.first_last_reports
        assert not hasattr(reports, "get"), "list only: no detail path"
        rows = list(reports.list(start_date=day, end_date=day, departments="-1"))
        got = {(r.emp_code, str(r.att_date)): (r.first_punch, r.last_punch) for r in rows}
        assert len(got) == len(rows) and got == want
        assert isinstance(rows[0].att_date, datetime.date)

        page = reports.page(1, start_date=day, end_date=day)
        assert page.count == len(rows) > 7 and len(page) == 7


def test_any_report_by_name_reads_the_rows_as_dicts_across_pages(demo: Sandbox) -> None:
    with demo.client(page_size=5) as c:
        period = {"start_date": "2000-01-01", "end_date": "2100-01-01"}
        typed = [(r.emp_code, r.first_punch) for r in c.first_last_reports.list(**period)]
        rows = c.report("firstLastReport", start_date=datetime.date(2000, 1, 1), end_date="2100-01-01")
        assert len(rows) == len(typed) > 5, "len() is the server's count"
        got = list(rows)
        assert all(isinstance(r, dict) for r in got)
        assert [(r["emp_code"], r["first_punch"]) for r in got] == typed, "every page, in order"


def test_report_names_and_unknown_reports_are_clear_errors(demo: Sandbox) -> None:
    with demo.client() as c:
        with pytest.raises(zkbiotime.InvalidArgumentError, match="report name"):
            c.report("../employees")
        with pytest.raises(zkbiotime.InvalidArgumentError, match="page_size"):
            c.report("firstLastReport", page_size=5)
        with pytest.raises(zkbiotime.NotFoundError, match="no report"):
            list(c.report("noSuchReport"))


def test_async_report_by_name(demo: Sandbox) -> None:
    async def main() -> None:
        async with demo.async_client(page_size=5) as c:
            period = {"start_date": "2000-01-01", "end_date": "2100-01-01"}
            rows = [r async for r in c.report("transactionReport", **period)]
            assert len(rows) == await c.transactions.list().count() and "emp_code" in rows[0]

    asyncio.run(main())
