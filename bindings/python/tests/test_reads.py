"""Reads: records, nested records, times, custom attributes, lists, pages, filters."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

import zkbiotime
from conftest import Sandbox


def test_employee_reads_like_the_manual(client: zkbiotime.Client) -> None:
    harry = client.employees.get(1)
    assert isinstance(harry, zkbiotime.Employee)
    assert harry.id == 1
    assert harry.emp_code == "1"
    assert (harry.first_name, harry.last_name) == ("Harry", "Potter")
    assert harry.department is not None
    assert harry.department.dept_name == "Department"
    assert isinstance(harry.department, zkbiotime.DepartmentRef)
    assert [a.area_name for a in harry.area] == ["ZKTeco"]
    assert harry.hire_date == datetime.date(2018, 6, 26)
    # Custom attributes arrive in `extra`.
    assert "Primary Job" in harry.extra
    assert harry.update_time_raw is None or isinstance(harry.update_time_raw, str)


def test_records_compare_convert_and_print(client: zkbiotime.Client) -> None:
    a, b = client.employees.get(1), client.employees.get(1)
    assert a == b
    assert a != client.employees.get(2)
    d = a.to_dict()
    assert d["emp_code"] == "1"
    assert d["department"]["dept_name"] == "Department"
    assert d["area"][0]["area_name"] == "ZKTeco"
    assert d["hire_date"] == datetime.date(2018, 6, 26)
    assert "Primary Job" in d["extra"]
    r = repr(a)
    assert r.startswith("Employee(id=1, emp_code='1'")
    assert "Harry" in r
    assert "device_password" not in r


def test_naive_times_without_a_zone(client: zkbiotime.Client) -> None:
    punch = next(iter(client.transactions.list()))
    assert isinstance(punch, zkbiotime.Transaction)
    assert isinstance(punch.punch_time, datetime.datetime)
    assert punch.punch_time.tzinfo is None
    assert punch.punch_time.strftime("%Y-%m-%d %H:%M:%S") == punch.punch_time_raw


def test_zone_aware_times_with_a_zone(demo: Sandbox) -> None:
    with demo.client(timezone="Asia/Karachi") as c:
        assert c.timezone == "Asia/Karachi"
        punch = next(iter(c.transactions.list()))
        t = punch.punch_time
        assert t.tzinfo == zoneinfo.ZoneInfo("Asia/Karachi")
        assert t.utcoffset() == datetime.timedelta(hours=5)
        assert t.strftime("%Y-%m-%d %H:%M:%S") == punch.punch_time_raw


def test_every_resource_lists_and_gets(client: zkbiotime.Client) -> None:
    resources = {
        "employees": zkbiotime.Employee,
        "departments": zkbiotime.Department,
        "areas": zkbiotime.Area,
        "positions": zkbiotime.Position,
        "terminals": zkbiotime.Terminal,
        "transactions": zkbiotime.Transaction,
    }
    for name, cls in resources.items():
        resource = getattr(client, name)
        records = list(resource.list())
        assert records, name
        assert all(isinstance(r, cls) for r in records), name
        assert resource.get(records[0].id) == records[0], name


def test_nested_parent_area_and_terminal(client: zkbiotime.Client) -> None:
    zkteco = client.areas.get(2)
    assert zkteco.area_name == "ZKTeco"
    assert zkteco.parent_area is not None
    assert zkteco.parent_area.area_name == "Not Authorized"
    terminal = next(iter(client.terminals.list()))
    assert terminal.sn
    # Not every `*_time` field holds a time: `transfer_time` is a schedule, kept as text.
    assert terminal.transfer_time == "00:00;14:05"


def test_list_is_lazy_with_a_total(demo: Sandbox) -> None:
    with demo.client(page_size=50) as c:
        punches = c.transactions.list()
        total = len(punches)
        assert total > 500  # 50 employees x 4 punches x 3 days, plus the demo's
        assert punches.count == total
        assert punches.__length_hint__() == total
        seen = []
        for i, p in enumerate(punches):
            seen.append(p.id)
            if i == 9:
                break
        assert punches.__length_hint__() == total - 10
        seen.extend(p.id for p in punches)  # the same pass continues
        assert len(seen) == total
        assert len(set(seen)) == total
        assert seen == sorted(seen)


def test_pages(demo: Sandbox) -> None:
    with demo.client(page_size=100) as c:
        lst = c.transactions.list()
        pages = list(lst.pages())
        total = pages[0].count
        assert [p.number for p in pages] == list(range(1, len(pages) + 1))
        assert all(p.page_size == 100 for p in pages)
        assert [p.has_next for p in pages] == [True] * (len(pages) - 1) + [False]
        assert sum(len(p) for p in pages) == total
        assert isinstance(pages[0].items[0], zkbiotime.Transaction)
        with pytest.raises(ValueError):
            it = c.transactions.list()
            next(it)
            it.pages()


def test_tqdm_shows_a_real_bar(demo: Sandbox) -> None:
    import io

    from tqdm import tqdm

    with demo.client(page_size=200) as c:
        out = io.StringIO()
        bar = tqdm(c.transactions.list(), file=out, mininterval=0)
        n = sum(1 for _ in bar)
        assert bar.total == n > 0
        assert f"{n}/{n}" in out.getvalue()


def test_filters(client: zkbiotime.Client) -> None:
    in_dept = list(client.employees.list(department=1))
    assert in_dept and all(e.department and e.department.id == 1 for e in in_dept)
    one = list(client.transactions.list(emp_code="E000001"))
    assert one and all(p.emp_code == "E000001" for p in one)
    window = list(
        client.transactions.list(
            start_time=datetime.datetime(2024, 6, 29), end_time="2024-06-29 23:59:59"
        )
    )
    assert window and all(p.punch_time_raw.startswith("2024-06-29") for p in window)
    newest = next(iter(client.transactions.list(ordering="-upload_time")))
    assert newest.upload_time_raw == max(
        p.upload_time_raw or "" for p in client.transactions.list()
    )


def test_aware_filter_is_converted_to_the_server_zone(demo: Sandbox) -> None:
    with demo.client(timezone="Asia/Karachi") as c:
        utc = datetime.datetime(2024, 6, 28, 19, 0, tzinfo=datetime.timezone.utc)  # 00:00 PKT
        punches = list(c.transactions.list(start_time=utc, end_time="2024-06-29 23:59:59"))
        assert punches and all(p.punch_time_raw.startswith("2024-06-29") for p in punches)
    with demo.client() as c:
        with pytest.raises(ValueError, match="timezone"):
            c.transactions.list(start_time=utc)


def test_unknown_filters_fail_before_any_request(client: zkbiotime.Client) -> None:
    with pytest.raises(TypeError, match="unknown field `dept`"):
        client.employees.list(dept=1)
    with pytest.raises(TypeError):
        client.employees.list(department="not a number")
    with pytest.raises((TypeError, ValueError)):
        client.transactions.list(ordering="sideways")


def test_single_page(demo: Sandbox) -> None:
    with demo.client(page_size=20) as c:
        second = c.transactions.page(2)
        assert isinstance(second, zkbiotime.Page)
        assert second.number == 2 and second.page_size == 20 and len(second) == 20
        assert second.has_next and second.count == len(c.transactions.list())
        only = c.transactions.page(1, emp_code="E000001")
        assert (only.count, len(only), only.has_next) == (12, 12, False)
        first = c.employees.page(1, department=1)
        assert first.count == len(list(c.employees.list(department=1)))
        assert all(isinstance(e, zkbiotime.Employee) for e in first.items)
        with pytest.raises(zkbiotime.NotFoundError):
            c.employees.page(999)


def test_list_classes_can_be_subscripted_at_runtime() -> None:
    alias = zkbiotime.RecordList[zkbiotime.Employee]
    assert alias.__origin__ is zkbiotime.RecordList
    assert zkbiotime.AsyncRecordList[zkbiotime.Transaction].__args__ == (zkbiotime.Transaction,)
