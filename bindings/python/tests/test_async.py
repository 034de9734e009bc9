"""The asyncio client: the same operations as awaitables and async iterators."""

from __future__ import annotations

import asyncio

import pytest

import zkbiotime
from conftest import Sandbox


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


def test_reads(demo: Sandbox) -> None:
    async def main() -> None:
        async with demo.async_client() as c:
            harry = await c.employees.get(1)
            assert isinstance(harry, zkbiotime.Employee)
            assert harry.first_name == "Harry" and "Primary Job" in harry.extra
            lst = c.employees.list(department=1)
            total = await lst.count()
            names = [e.emp_code async for e in lst]
            assert len(names) == total > 0
            for name in ["departments", "areas", "positions", "terminals", "transactions"]:
                first = None
                async for record in getattr(c, name).list():
                    first = record
                    break
                assert first is not None, name
                assert await getattr(c, name).get(first.id) == first, name

    run(main())


def test_pages_and_gather(demo: Sandbox) -> None:
    async def main() -> None:
        async with demo.async_client(page_size=100) as c:
            pages = [p async for p in c.transactions.list().pages()]
            assert sum(len(p) for p in pages) == pages[0].count
            assert pages[-1].has_next is False
            page = await c.transactions.page(2)
            assert page.number == 2 and page.count == pages[0].count and len(page) == 100
            many = await asyncio.gather(*(c.employees.get(1) for _ in range(20)))
            assert all(e == many[0] for e in many)

    run(main())


def test_writes(demo: Sandbox) -> None:
    async def main() -> None:
        async with demo.async_client() as c:
            created = await c.positions.create(position_code="apy-1", position_name="P")
            updated = await c.positions.update(created.id, position_name="Q")
            assert updated.position_name == "Q"
            again, was_created = await c.positions.upsert(position_code="apy-1", position_name="R")
            assert was_created is False and again.position_name == "R"
            await c.positions.delete(created.id)
            with pytest.raises(zkbiotime.NotFoundError):
                await c.positions.get(created.id)

    run(main())


def test_errors_and_argument_checks(demo: Sandbox) -> None:
    async def main() -> None:
        async with demo.async_client(password="nope") as c:
            with pytest.raises(zkbiotime.AuthenticationError):
                await c.login()
        async with demo.async_client() as c:
            with pytest.raises(TypeError):
                c.employees.list(nope=1)
            with pytest.raises(TypeError):
                await c.employees.create(emp_code="x")
            with pytest.raises(zkbiotime.BadRequestError) as bad:
                async for _ in c.employees.list(department=987654):
                    pass
            assert "department" in bad.value.field_errors
            with pytest.raises(zkbiotime.NotFoundError) as e:
                await c.employees.get(987654)
            assert e.value.status_code == 404

    run(main())


def test_async_panic_is_an_error() -> None:
    from zkbiotime import _native

    async def main() -> None:
        with pytest.raises(zkbiotime.ZKBioTimeError, match="internal error"):
            await _native._panic_for_tests(True)

    run(main())


def test_sync_batches(fresh) -> None:  # type: ignore[no-untyped-def]
    s = fresh("--employees", "5", "--days", "2")

    async def main() -> None:
        async with s.async_client(page_size=50) as c:
            everything = [p.id async for p in c.transactions.list()]
            batch = await c.transactions.sync(None)
            assert [p.id for p in batch.punches] == everything
            assert batch.complete
            later = await c.transactions.sync(batch.state)
            assert later.punches == [] and later.complete

    run(main())
