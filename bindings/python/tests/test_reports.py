"""client.first_last_reports: a list-only resource (no `get`) whose rows match the punches."""

from __future__ import annotations

import datetime
from collections import Counter

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
