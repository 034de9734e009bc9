"""A typed program against zkbiotime: `mypy --strict` must accept it (test_stubs.py), and it
runs against the sandbox too, so the stubs describe what the module really does."""

from __future__ import annotations

import asyncio
import datetime
import sys
from typing import Optional

import zkbiotime
from zkbiotime import AsyncClient, Client, Employee, RecordList, Transaction


def names(employees: RecordList[Employee]) -> list[str]:
    return [f"{e.emp_code} {e.first_name or ''}".strip() for e in employees]


def sync_part(url: str) -> int:
    with Client(url, username="admin", password="admin123", timezone="Asia/Karachi") as client:
        harry: Employee = client.employees.get(1)
        dept: Optional[str] = harry.department.dept_name if harry.department else None
        hired: Optional[datetime.date] = harry.hire_date
        job = harry.extra.get("Primary Job")
        print(harry.emp_code, dept, hired, job)
        staff = names(client.employees.list(department=1))
        punches: RecordList[Transaction] = client.transactions.list(
            start_time=datetime.datetime(2024, 6, 29), ordering="-punch_time"
        )
        total: int = len(punches)
        for page in punches.pages():
            first: Transaction = page.items[0]
            when: datetime.datetime = first.punch_time
            raw: str = first.punch_time_raw
            print(page.number, page.count, when.isoformat(), raw)
            break
        written, created = client.departments.upsert(dept_code="typed-1", dept_name="Typed")
        assert isinstance(created, bool)
        client.departments.delete(written.id)
        try:
            client.employees.get(987654)
        except zkbiotime.NotFoundError as e:
            status: Optional[int] = e.status_code
            print(status, e.method, e.path, e.detail, e.field_errors)
        batch = client.transactions.sync(None, max=10)
        state: str = batch.state
        return len(staff) + total + len(state)


async def async_part(url: str) -> int:
    async with AsyncClient(url, token=None, username="admin", password="admin123") as client:
        harry = await client.employees.get(1)
        count = await client.employees.list().count()
        codes = [e.emp_code async for e in client.employees.list(department=1)]
        async for page in client.transactions.list().pages():
            print(page.has_next)
            break
        return len(codes) + count + harry.id


if __name__ == "__main__":
    url = sys.argv[1]
    print(sync_part(url) + asyncio.run(async_part(url)))
